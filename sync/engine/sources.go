package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/graph"
)

// channel syncs one channel. Delta reaches back only eight months and its
// first round returns old threads in no case, so a channel starts by
// priming delta (a round filtered to "changed from now on", which costs a
// request and yields a delta link marking this moment), then backfills the
// whole history through the messages list; from then on every delta round
// returns whatever changed since the mark, old threads included.
func (e *Engine) channel(ctx context.Context, teamID, channelID string) error {
	src := "delta:" + channelID
	cur, err := e.db.GetCursor(ctx, src)
	if err != nil {
		return err
	}
	if cur.Link == "" {
		if err := e.primeDelta(ctx, teamID, channelID, &cur); err != nil {
			return e.noteError(ctx, src, err)
		}
	}
	if err := e.channelHistory(ctx, teamID, channelID); err != nil {
		return err
	}
	return e.channelDelta(ctx, teamID, channelID, cur)
}

// primeDelta runs a delta round limited to threads changed from (about)
// now and saves its delta link.
func (e *Engine) primeDelta(ctx context.Context, teamID, channelID string, cur *storage.Cursor) error {
	if err := e.waitPage(ctx, channelID, teamID); err != nil {
		return err
	}
	since := e.opts.Now().UTC().Add(-5 * time.Minute)
	return e.g.ChannelDelta(ctx, teamID, channelID, "", since, func(msgs []graph.Msg, next, delta string) error {
		if err := e.moreReplies(ctx, teamID, channelID, msgs); err != nil {
			return err
		}
		// Only the delta link is kept: the backfill that follows stores
		// every thread, and a crash before it ends simply primes again.
		if next == "" {
			cur.Link, cur.State, cur.LastSync, cur.Error = delta, "primed", e.opts.Now(), ""
		} else {
			cur.Link, cur.State = "", ""
		}
		if _, err := e.store(ctx, msgs, cur); err != nil {
			return err
		}
		if next != "" {
			return e.waitPage(ctx, channelID, teamID)
		}
		return nil
	})
}

// channelHistory backfills a channel once through the messages list, which
// reaches further back than delta. Its cursor resumes a partial backfill
// and marks it complete.
func (e *Engine) channelHistory(ctx context.Context, teamID, channelID string) error {
	src := "history:" + channelID
	cur, err := e.db.GetCursor(ctx, src)
	if err != nil {
		return err
	}
	if cur.State == "complete" {
		return nil
	}
	e.beginListing(channelID, time.Time{}, 1) // the delta round follows
	if err := e.waitPage(ctx, channelID, teamID); err != nil {
		return err
	}
	err = e.g.ChannelHistory(ctx, teamID, channelID, cur.Link, func(msgs []graph.Msg, next string) error {
		if err := e.moreReplies(ctx, teamID, channelID, msgs); err != nil {
			return err
		}
		newest, oldest := pageSpan(msgs, true)
		e.reachedPage(channelID, newest, oldest, next != "")
		cur.Link, cur.State = next, "partial"
		if next == "" {
			cur.State, cur.LastSync = "complete", e.opts.Now()
		}
		if _, err := e.store(ctx, msgs, &cur); err != nil {
			return err
		}
		if next != "" {
			return e.waitPage(ctx, channelID, teamID)
		}
		return nil
	})
	if err != nil && cur.Link != "" && isStaleLink(err) {
		// The saved link went stale: start the backfill over.
		e.restarting(src, err)
		e.saveCursor(ctx, storage.Cursor{Source: src})
		return e.channelHistory(ctx, teamID, channelID)
	}
	return e.noteError(ctx, src, err)
}

// channelDelta runs delta rounds from the saved link. A round resumed from
// a saved next link closes at the state of when it began, so one more round
// follows it. An expired token means a clean resynchronisation: prime
// again and backfill again (stored messages and annotations stay; writes
// are upserts).
func (e *Engine) channelDelta(ctx context.Context, teamID, channelID string, cur storage.Cursor) error {
	src := cur.Source
	resumed := cur.State == "partial"
	for attempt := 0; ; attempt++ {
		e.unordered(channelID)
		if err := e.waitPage(ctx, channelID, teamID); err != nil {
			return err
		}
		err := e.g.ChannelDelta(ctx, teamID, channelID, cur.Link, time.Time{}, func(msgs []graph.Msg, next, delta string) error {
			if err := e.moreReplies(ctx, teamID, channelID, msgs); err != nil {
				return err
			}
			e.reachedPage(channelID, time.Time{}, time.Time{}, next != "")
			if next != "" {
				cur.Link, cur.State = next, "partial"
			} else {
				cur.Link, cur.State, cur.LastSync, cur.Error = delta, "", e.opts.Now(), ""
			}
			if _, err := e.store(ctx, msgs, &cur); err != nil {
				return err
			}
			if next != "" {
				return e.waitPage(ctx, channelID, teamID)
			}
			return nil
		})
		if err != nil && attempt == 0 && isStaleLink(err) {
			e.restarting(src, err)
			cur = storage.Cursor{Source: src}
			if err := e.primeDelta(ctx, teamID, channelID, &cur); err != nil {
				return e.noteError(ctx, src, err)
			}
			e.saveCursor(ctx, storage.Cursor{Source: "history:" + channelID})
			if err := e.channelHistory(ctx, teamID, channelID); err != nil {
				return err
			}
			return nil
		}
		if err == nil && resumed {
			resumed = false
			continue
		}
		return e.noteError(ctx, src, err)
	}
}

// moreReplies stores the replies Graph left out of the threads on a page
// ($expand=replies inlines at most 1,000 under a root), following each
// root's replies@odata.nextLink, a request at a time under the
// conversation's pace. They are written before the page and its cursor,
// without moving the cursor: if the sync stops half-way, the page is
// fetched again and its threads' replies with it, and writes are upserts,
// so nothing is lost or stored twice.
func (e *Engine) moreReplies(ctx context.Context, teamID, channelID string, msgs []graph.Msg) error {
	for _, m := range msgs {
		if !m.MoreReplies {
			continue
		}
		if err := e.lim.wait(ctx, channelID, teamID); err != nil {
			return err
		}
		err := e.g.Replies(ctx, teamID, channelID, m.ID, m.RepliesLink, func(rs []graph.Msg, next string) error {
			if _, err := e.store(ctx, rs, nil); err != nil {
				return err
			}
			if next != "" {
				return e.lim.wait(ctx, channelID, teamID)
			}
			return nil
		})
		if err != nil {
			return &repliesError{root: m.ID, err: err}
		}
	}
	return nil
}

// repliesError is a failure to list a thread's remaining replies. It says
// nothing about the listing whose page held the thread: that listing's
// link is not stale, and the next round fetches the page again.
type repliesError struct {
	root string
	err  error
}

func (e *repliesError) Error() string { return fmt.Sprintf("replies of thread %s: %v", e.root, e.err) }
func (e *repliesError) Unwrap() error { return e.err }

// restarting logs why a source's saved link is dropped and its listing
// starts over (the sync state expired, or the link names an endpoint that
// is no longer the configured one).
func (e *Engine) restarting(src string, err error) {
	e.opts.Log.Info("restarting a listing: its saved link cannot be followed", "source", src, "why", err)
}

// isStaleLink reports errors that mean a saved link cannot be followed.
func isStaleLink(err error) bool {
	var re *repliesError
	if errors.As(err, &re) {
		return false
	}
	return errors.Is(err, graph.ErrGone) || errors.Is(err, graph.ErrNotFound) || statusIs(err, 400)
}

func statusIs(err error, status int) bool {
	var ge *graph.Error
	return errors.As(err, &ge) && ge.Status == status
}

// noteError records a source's failure on its cursor (and clears it on
// success), then returns err.
func (e *Engine) noteError(ctx context.Context, src string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	cur, gerr := e.db.GetCursor(ctx, src)
	if gerr == nil {
		cur.State, cur.Error = "error", err.Error()
		e.saveCursor(ctx, cur)
	}
	return err
}

func (e *Engine) saveCursor(ctx context.Context, cur storage.Cursor) {
	_ = e.db.Apply(ctx, func(w *storage.Writer) error { return w.SetCursor(cur) })
}

// chats stores the chat list with members and returns a task per chat
// whose messages need fetching: those whose activity moved since the last
// round, those with a listing to resume, and all of them in a full round.
func (e *Engine) chats(ctx context.Context, full bool) ([]task, error) {
	var infos []graph.ChatInfo
	err := e.g.Chats(ctx, func(page []graph.ChatInfo) error {
		for i := range page {
			// The preview is untrusted too: keep only its visible text.
			_, page[i].Chat.Preview = content.Message(page[i].Chat.Preview, false, content.Options{})
		}
		infos = append(infos, page...)
		e.update(func(p *Progress) { p.Requests++ })
		return e.db.Apply(ctx, func(w *storage.Writer) error {
			for _, ci := range page {
				if err := w.PutChat(ci.Chat); err != nil {
					return err
				}
				if err := w.SetMembers(ci.Chat.ID, ci.Members); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("sync chats: %w", err)
	}
	var tasks []task
	for _, ci := range infos {
		ci := ci
		cur, err := e.db.GetCursor(ctx, "chat:"+ci.Chat.ID)
		if err != nil {
			return nil, err
		}
		if !full && cur.Link == "" && !cur.Watermark.IsZero() && cur.Seen.Equal(ci.Chat.LastUpdated) && cur.State != "error" {
			continue
		}
		name := ci.Chat.Topic
		if name == "" {
			name = chatName(ci)
		}
		tasks = append(tasks, task{name: name, conv: ci.Chat.ID, created: ci.Chat.Created, run: func(ctx context.Context) error {
			if err := e.chatMessages(ctx, ci.Chat); err != nil {
				return fmt.Errorf("chat %s: %w", name, err)
			}
			return nil
		}})
	}
	return tasks, nil
}

func chatName(ci graph.ChatInfo) string {
	var names []string
	for _, m := range ci.Members {
		names = append(names, m.DisplayName)
	}
	return strings.Join(names, ", ")
}

// chatMessages fetches a chat's messages changed since its watermark,
// newest first. The watermark moves only when a listing completes; until
// then the cursor keeps the next link and the pending watermark, so a
// crash resumes the same listing.
func (e *Engine) chatMessages(ctx context.Context, chat storage.Chat) error {
	src := "chat:" + chat.ID
	cur, err := e.db.GetCursor(ctx, src)
	if err != nil {
		return err
	}
	// A listing resumed from a saved next link may have missed what changed
	// meanwhile near the top; one more pass from the new watermark catches it.
	resumed := cur.Link != ""
	for attempt := 0; ; attempt++ {
		e.beginListing(chat.ID, cur.Watermark, 0)
		if err := e.waitPage(ctx, chat.ID, ""); err != nil {
			return err
		}
		err = e.g.ChatMessages(ctx, chat.ID, cur.Link, cur.Watermark, func(msgs []graph.Msg, next string) error {
			newest, oldest := pageSpan(msgs, false)
			e.reachedPage(chat.ID, newest, oldest, next != "")
			cur.Pending = maxModified(msgs, cur.Pending)
			if next != "" {
				cur.Link, cur.State = next, "partial"
			} else {
				if cur.Pending.After(cur.Watermark) {
					cur.Watermark = cur.Pending
				}
				cur.Link, cur.Pending, cur.State, cur.Error = "", time.Time{}, "", ""
				cur.Seen, cur.LastSync = chat.LastUpdated, e.opts.Now()
			}
			if _, err := e.store(ctx, msgs, &cur); err != nil {
				return err
			}
			if next != "" {
				return e.waitPage(ctx, chat.ID, "")
			}
			return nil
		})
		if err != nil && attempt == 0 && cur.Link != "" && isStaleLink(err) {
			e.restarting(src, err)
			cur.Link = ""
			continue
		}
		if err == nil && resumed {
			resumed = false
			continue
		}
		return e.noteError(ctx, src, err)
	}
}

// records syncs every Dataverse table with change tracking.
func (e *Engine) records(ctx context.Context) error {
	var errs []error
	for _, rs := range crm.Sets {
		e.update(func(p *Progress) { p.Current = "Dynamics 365: " + rs.Name })
		if err := e.recordSet(ctx, rs.Name, rs.Key, rs.Columns); err != nil {
			errs = append(errs, fmt.Errorf("records %s: %w", rs.Name, err))
			e.update(func(p *Progress) { p.Errors++ })
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) recordSet(ctx context.Context, set, keyCol string, cols []string) error {
	src := "dv:" + set
	cur, err := e.db.GetCursor(ctx, src)
	if err != nil {
		return err
	}
	// As for channels: a resumed round closes at the state of when it began.
	resumed := cur.State == "partial" && cur.Link != ""
	for attempt := 0; ; attempt++ {
		err = e.dv.Changes(ctx, set, cols, cur.Link, func(p dataverse.Page) error {
			now := e.opts.Now()
			if p.Next != "" {
				cur.Link, cur.State = p.Next, "partial"
			} else {
				cur.Link, cur.State, cur.LastSync, cur.Error = p.Delta, "", now, ""
			}
			n := 0
			err := e.db.Apply(ctx, func(w *storage.Writer) error {
				for _, row := range p.Rows {
					id, _ := row[keyCol].(string)
					if id == "" {
						continue
					}
					etag, _ := row["@odata.etag"].(string)
					fields := map[string]any{}
					for k, v := range row {
						if !strings.HasPrefix(k, "@") {
							fields[k] = v
						}
					}
					mod, _ := time.Parse(time.RFC3339, fmt.Sprint(row["modifiedon"]))
					if err := w.PutRecord(storage.Record{Set: set, ID: id, ETag: etag, Fields: fields, Modified: mod}); err != nil {
						return err
					}
					n++
				}
				for _, id := range p.Deleted {
					if err := w.DeleteRecord(set, id, now); err != nil {
						return err
					}
					n++
				}
				return w.SetCursor(cur)
			})
			e.update(func(pr *Progress) { pr.Records += n; pr.Requests++ })
			return err
		})
		if err != nil && attempt == 0 && cur.Link != "" && errors.Is(err, dataverse.ErrExpired) {
			e.restarting(src, err)
			cur.Link = ""
			continue
		}
		if err == nil && resumed {
			resumed = false
			continue
		}
		return e.noteError(ctx, src, err)
	}
}
