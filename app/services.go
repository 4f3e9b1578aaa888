package app

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/cloud"
)

// System reports what Rapport is and where its data lives. It is safe for
// concurrent use.
type System struct{ c *Core }

// AppInfo is System.Info's answer.
type AppInfo struct {
	Version       string          `json:"version"`
	Mode          string          `json:"mode"`
	DataDir       string          `json:"dataDir"`
	StorePath     string          `json:"storePath"`
	SchemaVersion int             `json:"schemaVersion"`
	StoreError    *Error          `json:"storeError,omitempty"`
	OSLocale      string          `json:"osLocale"`
	Endpoints     cloud.Endpoints `json:"endpoints"`
	// OpenSearch is the query to show at launch (--search), if any.
	OpenSearch string `json:"openSearch,omitempty"`
}

// Info describes this Rapport. A store that failed to open is reported in
// StoreError rather than as an error, so the UI can still render.
func (s *System) Info() (AppInfo, error) {
	info := AppInfo{Version: s.c.version, Mode: s.c.mode, DataDir: s.c.cfg.DataDir, OSLocale: osLocale(), OpenSearch: s.c.cfg.OpenSearch}
	if ep, err := s.c.endpoints(); err == nil {
		info.Endpoints = ep
	}
	db, err := s.c.store()
	if err != nil {
		e := toError(err)
		info.StoreError = &e
		return info, nil
	}
	// Not db.Stats: it reads the whole store, seconds at launch on a
	// large one (BenchmarkWindowFirstResult).
	v, err := db.SchemaVersion(s.c.ctx)
	if err != nil {
		return AppInfo{}, err
	}
	info.StorePath, info.SchemaVersion = db.Path(), v
	return info, nil
}

// ReadyReport is what the UI says once its shell has rendered.
type ReadyReport struct {
	Sections []string `json:"sections"`
	Locale   string   `json:"locale"`
	Theme    string   `json:"theme"`
}

// UIReady records that the UI rendered its shell. The window smoke test
// waits for this line in the log.
func (s *System) UIReady(r ReadyReport) error {
	if len(r.Sections) == 0 {
		return fmt.Errorf("%w: no sections rendered", errInvalid)
	}
	s.c.log.Info("ui ready", "mode", s.c.mode, "sections", len(r.Sections), "locale", r.Locale, "theme", r.Theme)
	return nil
}

// FirstResult is what the UI says when search first shows hits.
type FirstResult struct {
	Hits int `json:"hits"`
}

// launched is when the process started (package initialisation comes
// first thing at exec), for the time to the first result.
var launched = time.Now()

// FirstResult records, once per process, how long after launch search
// first showed hits: what a person waits from opening Rapport to an
// answer (BenchmarkWindowFirstResult reads this line).
func (s *System) FirstResult(r FirstResult) error {
	if r.Hits <= 0 {
		return fmt.Errorf("%w: no hits shown", errInvalid)
	}
	s.c.firstResult.Do(func() {
		s.c.log.Info("first result", "mode", s.c.mode, "hits", r.Hits, "since_launch_ms", time.Since(launched).Milliseconds())
	})
	return nil
}

// OpenURL opens an http, https or mailto link outside the app (the
// system browser or mail client); message links never navigate the window.
func (s *System) OpenURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
		return fmt.Errorf("%w: only http, https and mailto links open outside Rapport", errInvalid)
	}
	s.c.mu.Lock()
	open := s.c.openURL
	s.c.mu.Unlock()
	if open == nil {
		return fmt.Errorf("%w: the browser opens links itself in browser mode", errInvalid)
	}
	open(u.String())
	return nil
}

// Settings holds the user's preferences. It is safe for concurrent use.
type Settings struct{ c *Core }

// UISettings are the preferences the Settings screen edits.
type UISettings struct {
	// Language is "auto" (follow the OS), "zh-CN", "en" or "fr".
	Language string `json:"language"`
	// Theme is "system", "light" or "dark".
	Theme string `json:"theme"`
}

var (
	languages = []string{"auto", "zh-CN", "en", "fr"}
	themes    = []string{"system", "light", "dark"}
)

const settingUI = "ui"

// Get returns the stored preferences, or the defaults.
func (s *Settings) Get() (UISettings, error) {
	db, err := s.c.store()
	if err != nil {
		return UISettings{}, err
	}
	out := UISettings{Language: "auto", Theme: "system"}
	if err := db.Setting(s.c.ctx, settingUI, &out); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return UISettings{}, err
	}
	return out, nil
}

// Set validates and stores the preferences, then tells every open UI.
func (s *Settings) Set(in UISettings) (UISettings, error) {
	if !slices.Contains(languages, in.Language) {
		return UISettings{}, fmt.Errorf("%w: language %q (want one of %v)", errInvalid, in.Language, languages)
	}
	if !slices.Contains(themes, in.Theme) {
		return UISettings{}, fmt.Errorf("%w: theme %q (want one of %v)", errInvalid, in.Theme, themes)
	}
	db, err := s.c.store()
	if err != nil {
		return UISettings{}, err
	}
	if err := db.PutSetting(s.c.ctx, settingUI, in); err != nil {
		return UISettings{}, err
	}
	s.c.events.Emit(EventSettingsChanged, in)
	return in, nil
}
