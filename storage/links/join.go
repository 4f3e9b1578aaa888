package links

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
)

// Join queues a request to be added to a chat linked to a record, which
// the user is not in (Dynamics' "join chat"). The next sync pushes it
// before its round, and that round brings the chat's history in. Dynamics
// decides whether the user may write to the record; Rapport checks what
// it can offline: the chat is linked to the record, the user is not in
// it, joining is allowed for the record type, and the user is a Dynamics
// user.
func (s *Service) Join(ctx context.Context, chatID, set, recordID string) (storage.Op, error) {
	if !crm.IsLinkable(set) {
		return storage.Op{}, fmt.Errorf("%w: record type %q", ErrInvalid, set)
	}
	w, err := s.world(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	db := s.db
	row, ok, err := w.serverRow(ctx, chatID, set, recordID)
	if err != nil {
		return storage.Op{}, err
	}
	if !ok {
		return storage.Op{}, fmt.Errorf("chat %s is not linked to %s(%s) in Dynamics 365: %w", chatID, set, recordID, storage.ErrNotFound)
	}
	subject, _ := row.Fields[crm.LinkSubject].(string)
	if _, err := db.Chat(ctx, chatID); err == nil {
		return storage.Op{}, fmt.Errorf("%w: you are already in this chat", storage.ErrState)
	}
	if !w.rules[set].Join {
		return storage.Op{}, fmt.Errorf("%w: joining chats linked to this record type is turned off (Settings → Linked records)", ErrNotAllowed)
	}
	me := ""
	if w.me != "" {
		users, err := db.Records(ctx, crm.UserSet)
		if err != nil {
			return storage.Op{}, err
		}
		for _, u := range users {
			if aad, _ := u.Fields[crm.UserEntraID].(string); aad == w.me && u.Deleted == nil {
				me = u.ID
			}
		}
	}
	if me == "" {
		return storage.Op{}, fmt.Errorf("%w: only Dynamics 365 users can join linked chats, and your user is not among the synced ones", ErrNotAllowed)
	}
	return db.QueueOp(ctx, storage.Op{Kind: storage.OpJoin, ChatID: chatID, Set: set, RecordID: recordID, UserID: me,
		By: w.me, Subject: subject}, time.Now().UTC())
}

// linkFor finds a chat's live link to a record and makes sure Rapport
// holds an entry for it (adopting one made in Dynamics). Notices are about
// chats: threads and messages have none.
func (s *Service) linkFor(ctx context.Context, w *linkWorld, chatID, set, recordID string) (LinkView, error) {
	if kind, _, _ := storage.ParseTarget(chatID); kind != storage.TargetChat {
		return LinkView{}, fmt.Errorf("%w: key-field notices are for chats, not a %s", ErrInvalid, kind)
	}
	views, err := s.views(ctx, w, []string{chatID})
	if err != nil {
		return LinkView{}, err
	}
	i := slices.IndexFunc(views, func(v LinkView) bool { return v.Set == set && v.RecordID == recordID && v.Linked })
	if i < 0 {
		return LinkView{}, fmt.Errorf("link of %s to %s(%s): %w", chatID, set, recordID, storage.ErrNotFound)
	}
	return views[i], s.adopt(ctx, w, chatID, set, recordID)
}

// DismissNotices hides a link's key-field notices up to upTo (the time of
// the newest notice the user saw).
func (s *Service) DismissNotices(ctx context.Context, chatID, set, recordID string, upTo time.Time) error {
	w, err := s.world(ctx)
	if err != nil {
		return err
	}
	if _, err := s.linkFor(ctx, w, chatID, set, recordID); err != nil {
		return err
	}
	return s.db.DismissNotices(ctx, chatID, set, recordID, upTo)
}

// PostNotices queues a message to the chat telling its members about the
// record's key-field changes up to upTo, and hides those notices, in one
// transaction. It is sent on the next sync.
func (s *Service) PostNotices(ctx context.Context, chatID, set, recordID string, upTo time.Time) (storage.Op, error) {
	w, err := s.world(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	v, err := s.linkFor(ctx, w, chatID, set, recordID)
	if err != nil {
		return storage.Op{}, err
	}
	var ns []Notice
	for _, n := range v.Notices {
		if !n.At.After(upTo) {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return storage.Op{}, fmt.Errorf("%w: no key-field changes to post", storage.ErrState)
	}
	return s.db.QueueOp(ctx, storage.Op{Kind: storage.OpNotice, ChatID: chatID, Set: set, RecordID: recordID, By: w.me,
		Subject: v.Record.Title, Body: noticeHTML(v.Record, ns), UpTo: upTo}, time.Now().UTC())
}

// noticeHTML is the message a notice posts: the record, then one line per
// change. Every value is escaped; nothing from a record becomes markup.
func noticeHTML(r RecordCard, ns []Notice) string {
	var b strings.Builder
	b.WriteString("<p><strong>")
	b.WriteString(html.EscapeString(r.Title))
	b.WriteString("</strong></p><ul>")
	for _, n := range ns {
		fmt.Fprintf(&b, "<li>%s: %s → %s (%s)</li>", html.EscapeString(n.Label), html.EscapeString(orDash(n.Old)),
			html.EscapeString(orDash(n.New)), n.At.UTC().Format("2006-01-02 15:04 UTC"))
	}
	b.WriteString("</ul><p><em>Key fields updated in Dynamics 365 (sent from Rapport)</em></p>")
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
