package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/tags"
)

// Default tags that mark a thread resolved or unresolved (Settings).
const (
	DefaultResolvedTag   = "resolved"
	DefaultUnresolvedTag = "unresolved"
)

// Thread states, from the user's tags.
const (
	stateNone       int8 = 0
	stateResolved   int8 = 1
	stateUnresolved int8 = -1
)

// tagged is what the user tagged resolved or unresolved: targets
// (conversations, threads, messages) and their state.
type tagged map[string]int8

// topicLabels is a tag and every label of its topic (its aliases, the
// topic it is an alias of and that topic's other aliases).
func topicLabels(tag string, metas map[string]storage.TagMeta) []string {
	topic := tag
	if t := metas[tag].Topic; t != "" {
		topic = t
	}
	out := []string{topic}
	for name, m := range metas {
		if name != topic && m.Topic == topic {
			out = append(out, name)
		}
	}
	return out
}

// readTagged reads the targets of the resolved and unresolved topics. A
// target tagged both is unresolved.
func readTagged(ctx context.Context, db Store, set Settings) (tagged, error) {
	metas, err := db.TagMetas(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tags: %w", err)
	}
	out := tagged{}
	for _, st := range []struct {
		tag   string
		state int8
	}{{set.ResolvedTag, stateResolved}, {set.UnresolvedTag, stateUnresolved}} {
		for _, label := range topicLabels(st.tag, metas) {
			targets, err := db.TagTargets(ctx, label)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, fmt.Errorf("read the threads tagged %s: %w", label, err)
			}
			for _, t := range targets {
				if out[t] != stateUnresolved {
					out[t] = st.state
				}
			}
		}
	}
	return out, nil
}

// states resolves tagged targets to the model's threads: a message's or
// a thread's tag applies to its thread and wins over its conversation's,
// which applies to every thread of the conversation.
func (m *model) states(tg tagged) map[*thread]int8 {
	out := map[*thread]int8{}
	specific := map[*thread]bool{}
	set := func(th *thread, st int8, fine bool) {
		switch {
		case fine && !specific[th]:
			out[th], specific[th] = st, true
		case fine == specific[th] && out[th] != stateUnresolved:
			out[th] = st
		}
	}
	byMsg := map[*conv]map[string]*thread{} // a channel's messages' threads, made when first asked
	for target, st := range tg {
		kind, convID, msg := storage.ParseTarget(target)
		c := m.convs[convID]
		if c == nil {
			continue
		}
		switch kind {
		case storage.TargetChat:
			for _, th := range c.list {
				set(th, st, false)
			}
		case storage.TargetThread:
			if th := c.threads[msg]; th != nil && c.kind == KindChannel {
				set(th, st, true)
			}
		case storage.TargetMessage:
			th := c.threads[""]
			if c.kind == KindChannel {
				if th = c.threads[msg]; th == nil { // a root, or a reply
					if byMsg[c] == nil {
						byMsg[c] = messageThreads(c)
					}
					th = byMsg[c][msg]
				}
			}
			if th != nil {
				set(th, st, true)
			}
		}
	}
	return out
}

// messageThreads maps a channel's counted messages to their threads.
func messageThreads(c *conv) map[string]*thread {
	out := map[string]*thread{}
	for _, th := range c.list {
		for _, e := range th.events {
			out[e.id] = th
		}
	}
	return out
}

// tagName is a setting's tag as the store keeps it, or def.
func tagName(s, def string) string {
	if n, err := tags.Norm(s); err == nil {
		return n
	}
	return def
}

// TaggedThread is a thread the user tagged resolved or unresolved, the
// evidence behind Group.ThreadsResolved and ThreadsUnresolved.
type TaggedThread struct {
	Conversation string    `json:"conversation"`     // chat or channel id
	Kind         string    `json:"kind"`             // chat or channel
	Name         string    `json:"name"`             // the conversation's name
	Thread       string    `json:"thread,omitempty"` // channels: the root post
	Message      string    `json:"message"`          // its newest counted message
	Newest       time.Time `json:"newest"`
	Resolved     bool      `json:"resolved"`
	Account      string    `json:"account"`
	AccountName  string    `json:"accountName"`
}

// tagged lists the tagged threads behind one group of a report (by as
// Service.Waits), newest first: the threads the report counts there.
func (m *model) taggedThreads(s span, tg tagged, by, id string) []TaggedThread {
	authorAcc, convAcc := m.accounts()
	out := []TaggedThread{}
	for th, st := range m.states(tg) {
		n := len(th.events)
		if n == 0 || th.events[n-1].at < s.from || th.events[n-1].at >= s.to {
			continue
		}
		account := convAcc[th.conv]
		if len(th.waits) > 0 && authorAcc[th.waits[0].who] != "" {
			account = authorAcc[th.waits[0].who]
		}
		if !s.all && account != s.account {
			continue
		}
		if !m.inGroup(by, id, th.conv, account, th.events[n-1].day) {
			continue
		}
		info := m.dir.convs[th.conv.id]
		out = append(out, TaggedThread{Conversation: th.conv.id, Kind: th.conv.kind, Name: info.name, Thread: th.root,
			Message: th.events[n-1].id, Newest: time.Unix(0, th.events[n-1].at).UTC(), Resolved: st == stateResolved,
			Account: account, AccountName: m.dir.accounts.Name(account)})
	}
	slices.SortFunc(out, func(a, b TaggedThread) int {
		return cmp.Or(b.Newest.Compare(a.Newest), cmp.Compare(a.Conversation, b.Conversation), cmp.Compare(a.Thread, b.Thread))
	})
	return out
}

// Threads lists the threads tagged resolved or unresolved behind one group
// of a report (by: ByTotal, ByAccount, ByTeam, ByConversation, ByWeek),
// newest first.
func (s *Service) Threads(ctx context.Context, q Query, by, id string) ([]TaggedThread, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, sp, err := s.behind(ctx, q, by)
	if err != nil {
		return nil, err
	}
	tg, err := readTagged(ctx, s.db, m.set)
	if err != nil {
		return nil, err
	}
	return m.taggedThreads(sp, tg, by, id), nil
}
