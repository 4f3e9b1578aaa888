package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
)

// EventSearchProgress carries the index's search.Status while it builds
// or catches up, and when it is done.
const EventSearchProgress = "search:progress"

// errSearchUnavailable marks a search while the index could not open.
var errSearchUnavailable = errors.New("search unavailable")

// openIndex opens the search index next to the store and starts its
// indexer. A failure leaves the store usable; searches then report it.
func (c *Core) openIndex() error {
	db, err := c.store()
	if err != nil {
		return err
	}
	ix, err := search.Open(c.ctx, c.cfg.DataDir, db, search.Options{
		Log:      c.log,
		OnStatus: func(st search.Status) { c.events.Emit(EventSearchProgress, st) },
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	c.index, c.indexErr = ix, err
	if err != nil {
		c.log.Error("search index unavailable", "err", err)
	}
	return err
}

func (c *Core) searchIndex() (*search.Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index == nil {
		if c.indexErr == nil {
			return nil, fmt.Errorf("%w: the index is not open", errSearchUnavailable)
		}
		return nil, fmt.Errorf("%w: %w", errSearchUnavailable, c.indexErr)
	}
	return c.index, nil
}

// Search runs searches over the local index and keeps saved searches. It
// is safe for concurrent use.
type Search struct{ c *Core }

// Query runs one search. A query that does not parse comes back in
// Result.QueryError, not as an error.
func (s *Search) Query(req search.Request) (search.Result, error) {
	ix, err := s.c.searchIndex()
	if err != nil {
		return search.Result{}, err
	}
	if req.Sort != "" && req.Sort != search.SortRelevance && req.Sort != search.SortDate {
		return search.Result{}, fmt.Errorf("%w: sort %q (relevance or date)", errInvalid, req.Sort)
	}
	return ix.Search(s.c.ctx, req)
}

// Status reports the index's progress.
func (s *Search) Status() (search.Status, error) {
	ix, err := s.c.searchIndex()
	if err != nil {
		return search.Status{}, err
	}
	return ix.Status(s.c.ctx), nil
}

// ContextPage is a hit with the messages around it: the thread for a
// channel post, the neighbouring messages for a chat message.
type ContextPage struct {
	Conv     search.HitConv `json:"conv"`
	Messages []MessageDTO   `json:"messages"`
	Target   string         `json:"target"`
}

// Context returns a hit's message in its context, newest first.
func (s *Search) Context(convID, msgID string, around int) (ContextPage, error) {
	if around <= 0 || around > 100 {
		return ContextPage{}, fmt.Errorf("%w: around %d (1–100)", errInvalid, around)
	}
	ix, err := s.c.searchIndex()
	if err != nil {
		return ContextPage{}, err
	}
	db, err := s.c.store()
	if err != nil {
		return ContextPage{}, err
	}
	conv, err := ix.Conversation(s.c.ctx, convID)
	if err != nil {
		return ContextPage{}, err
	}
	thread := ""
	if conv.Kind == "channel" {
		ms, err := db.MessagesAround(s.c.ctx, convID, msgID, 0, "")
		if err != nil {
			return ContextPage{}, err
		}
		thread = msgID
		if len(ms) == 1 && ms[0].ReplyTo != "" {
			thread = ms[0].ReplyTo
		}
	}
	ms, err := db.MessagesAround(s.c.ctx, convID, msgID, around, thread)
	if err != nil {
		return ContextPage{}, err
	}
	out := ContextPage{Conv: conv, Target: msgID, Messages: make([]MessageDTO, 0, len(ms))}
	pg := s.c.dtoPage(db, convID)
	for _, m := range ms {
		out.Messages = append(out.Messages, pg.messageDTO(m))
	}
	return out, nil
}

// SavedSearch is a named query.
type SavedSearch struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Q       string    `json:"q"`
	Created time.Time `json:"created"`
}

const savedSetting = "saved_searches"

// Saved lists the saved searches, oldest first.
func (s *Search) Saved() ([]SavedSearch, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	var out []SavedSearch
	if err := db.Setting(s.c.ctx, savedSetting, &out); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	if out == nil {
		out = []SavedSearch{}
	}
	return out, nil
}

// Save keeps a query under a name (replacing a saved search of the same
// name) and returns the list.
func (s *Search) Save(name, q string) ([]SavedSearch, error) {
	name, q = strings.TrimSpace(name), strings.TrimSpace(q)
	if name == "" || q == "" || len(name) > 200 || len(q) > 1000 {
		return nil, fmt.Errorf("%w: a saved search needs a name (≤ 200 bytes) and a query (≤ 1000 bytes)", errInvalid)
	}
	list, err := s.Saved()
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	list = slices.DeleteFunc(list, func(x SavedSearch) bool { return x.Name == name })
	list = append(list, SavedSearch{ID: fmt.Sprintf("s%d", now.UnixNano()), Name: name, Q: q, Created: now})
	return list, s.put(list)
}

// DeleteSaved removes a saved search and returns the list.
func (s *Search) DeleteSaved(id string) ([]SavedSearch, error) {
	list, err := s.Saved()
	if err != nil {
		return nil, err
	}
	n := len(list)
	list = slices.DeleteFunc(list, func(x SavedSearch) bool { return x.ID == id })
	if len(list) == n {
		return nil, fmt.Errorf("saved search %q: %w", id, storage.ErrNotFound)
	}
	return list, s.put(list)
}

func (s *Search) put(list []SavedSearch) error {
	db, err := s.c.store()
	if err != nil {
		return err
	}
	return db.PutSetting(s.c.ctx, savedSetting, list)
}

type searchArgs struct {
	q, sort string
	limit   int
	json    bool
}

// cliSearch runs one search from the command line: the same index and
// results as the app. It waits for the index to catch up first (a minute
// at most), saying so on stderr.
func cliSearch(ctx context.Context, cfg Config, a searchArgs, version string, log *slog.Logger, stdout, stderr io.Writer) error {
	if a.limit < 1 || a.limit > 200 {
		return fmt.Errorf("%w: --limit %d (1–200)", errInvalid, a.limit)
	}
	core := newCore(cfg, ModeCLI, version, slog.New(slog.DiscardHandler))
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	if err := core.openIndex(); err != nil {
		return err
	}
	ix, _ := core.searchIndex()
	if st := ix.Status(ctx); st.State != search.StateReady {
		fmt.Fprintf(stderr, "search: index %s (%d indexed, %d queued); waiting…\n", st.State, st.Indexed, st.Queued)
	}
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	err := ix.WaitIndexed(wctx)
	cancel()
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "search: the index is still catching up; results may be incomplete")
	}
	res, err := core.Search.Query(search.Request{Q: a.q, Sort: a.sort, Size: a.limit})
	if err != nil {
		return err
	}
	if a.json {
		if err := printJSON(stdout, res); err != nil {
			return err
		}
	} else {
		printResult(stdout, res)
	}
	if res.QueryError != nil {
		return fmt.Errorf("%w: %s", errInvalid, res.QueryError.Message)
	}
	return nil
}

// printResult renders hits for a terminal: matched words in [brackets].
func printResult(w io.Writer, res search.Result) {
	if qe := res.QueryError; qe != nil {
		fmt.Fprintf(w, "%s\n%s%s\n%s\n", res.Q, strings.Repeat(" ", runeCount(res.Q[:qe.Start])),
			strings.Repeat("^", max(1, runeCount(res.Q[qe.Start:qe.End]))), qe.Message)
		return
	}
	fmt.Fprintf(w, "%d results (%.1f ms)\n", res.Total, res.TookMs)
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s matched nobody and nothing", n.Text)
		if len(n.Suggest) > 0 {
			fmt.Fprintf(w, "; did you mean %s?", strings.Join(n.Suggest, ", "))
		}
		fmt.Fprintln(w)
	}
	for _, h := range res.Hits {
		var b strings.Builder
		for _, f := range h.Snippet {
			if f.Hit {
				b.WriteString("[" + f.T + "]")
			} else {
				b.WriteString(f.T)
			}
		}
		switch {
		case h.Message != nil:
			where := h.Conv.Name
			if h.Conv.Team != "" {
				where = h.Conv.Team + "/" + where
			}
			fmt.Fprintf(w, "%s  %s  %s\n    %s\n", h.Message.Created.Local().Format("2006-01-02 15:04"), where, h.Message.From, b.String())
		case h.Record != nil:
			fmt.Fprintf(w, "%s  %s  %s\n    %s\n", h.Record.Set, h.Record.Title, h.Record.Subtitle, b.String())
		}
	}
}

func runeCount(s string) int { return len([]rune(s)) }
