package app

import (
	"sync"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
)

// Metrics is the metrics service the UI calls: an adapter over
// storage/metrics, which holds the definitions. In the window and browser
// mode it keeps one watching service per open store, so a new message
// updates the figures without recomputing history. It is safe for
// concurrent use.
type Metrics struct {
	c *Core

	mu sync.Mutex
	db *storage.DB
	m  *metrics.Service
}

// svc is the metrics service over the open store.
func (s *Metrics) svc() (*metrics.Service, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil || s.db != db { // first call, or the store started over
		if s.m != nil {
			s.m.Close()
		}
		s.db, s.m = db, metrics.New(db)
		if s.c.mode != ModeCLI {
			s.m.Watch()
		}
	}
	return s.m, nil
}

// close stops following the store.
func (s *Metrics) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m != nil {
		s.m.Close()
	}
	s.db, s.m = nil, nil
}

// Report computes the figures of a period: per account, team,
// conversation and week, the distribution and the unanswered waits.
func (s *Metrics) Report(q metrics.Query) (metrics.Report, error) {
	m, err := s.svc()
	if err != nil {
		return metrics.Report{}, err
	}
	return m.Report(s.c.ctx, q)
}

// Waits lists the waits behind one group's figures (by: total, account,
// team, conversation, week).
func (s *Metrics) Waits(q metrics.Query, by, id string) ([]metrics.Wait, error) {
	m, err := s.svc()
	if err != nil {
		return nil, err
	}
	return m.Waits(s.c.ctx, q, by, id)
}

// Accounts lists the CRM accounts, for the account filter.
func (s *Metrics) Accounts() ([]metrics.Account, error) {
	m, err := s.svc()
	if err != nil {
		return nil, err
	}
	return m.Accounts(s.c.ctx)
}

// Settings returns working hours, the target, quiet days and domain mappings.
func (s *Metrics) Settings() (metrics.Settings, error) {
	m, err := s.svc()
	if err != nil {
		return metrics.Settings{}, err
	}
	return m.Settings(s.c.ctx)
}

// SetSettings checks and stores the metrics settings.
func (s *Metrics) SetSettings(set metrics.Settings) (metrics.Settings, error) {
	m, err := s.svc()
	if err != nil {
		return metrics.Settings{}, err
	}
	return m.SetSettings(s.c.ctx, set)
}

// Threads lists the threads tagged resolved or unresolved behind one
// group's figures (by as Waits).
func (s *Metrics) Threads(q metrics.Query, by, id string) ([]metrics.TaggedThread, error) {
	m, err := s.svc()
	if err != nil {
		return nil, err
	}
	return m.Threads(s.c.ctx, q, by, id)
}
