package app

import (
	"context"

	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/links"
)

// Capture is the service the UI calls to make cases, follow-up tasks and
// notes from messages: an adapter over storage/capture, which holds the
// rules.
type Capture struct{ c *Core }

// call runs f on the capture service over the open store.
func captureCall[T any](s *Capture, f func(ctx context.Context, svc *capture.Service) (T, error)) (T, error) {
	db, err := s.c.store()
	if err != nil {
		var zero T
		return zero, err
	}
	return f(s.c.ctx, capture.New(db, links.New(db, convNames{s.c})))
}

// CreateCase queues a case made from messages, linked to its chat.
func (s *Capture) CreateCase(r capture.CaseRequest) (capture.Created, error) {
	return captureCall(s, func(ctx context.Context, c *capture.Service) (capture.Created, error) { return c.CreateCase(ctx, r) })
}

// Customers suggests a case's customer for messages.
func (s *Capture) Customers(from string) ([]links.Suggestion, error) {
	return captureCall(s, func(ctx context.Context, c *capture.Service) ([]links.Suggestion, error) {
		return c.Customers(ctx, from)
	})
}

// AddTask queues a follow-up task regarding a record.
func (s *Capture) AddTask(r capture.TaskRequest) (capture.Created, error) {
	return captureCall(s, func(ctx context.Context, c *capture.Service) (capture.Created, error) { return c.AddTask(ctx, r) })
}

// AddNote queues a note on a record holding messages.
func (s *Capture) AddNote(r capture.NoteRequest) (capture.Created, error) {
	return captureCall(s, func(ctx context.Context, c *capture.Service) (capture.Created, error) { return c.AddNote(ctx, r) })
}

// Activities lists a record's tasks and notes.
func (s *Capture) Activities(set, id string) ([]capture.Activity, error) {
	return captureCall(s, func(ctx context.Context, c *capture.Service) ([]capture.Activity, error) {
		return c.Activities(ctx, set, id)
	})
}

// FollowUps lists the user's tasks, open ones first.
func (s *Capture) FollowUps() ([]capture.Activity, error) {
	return captureCall(s, func(ctx context.Context, c *capture.Service) ([]capture.Activity, error) { return c.FollowUps(ctx) })
}
