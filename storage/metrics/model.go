package metrics

import (
	"sort"
	"time"
)

// post is what the model takes from a message.
type post struct {
	conv, id, replyTo, typ, from string
	at                           time.Time
}

// event is a counted message (a member's or a customer's) in its thread.
type event struct {
	at  int64  // created, Unix nanoseconds
	id  string // message id
	who int32  // author, an index into model.authors
	day int32  // local day (days since 1970-01-01 in the model's zone)
}

func (e event) before(o event) bool {
	if e.at != o.at {
		return e.at < o.at
	}
	return e.id < o.id
}

// wait is a customer's wait in a thread.
type wait struct {
	start, end       int64 // Unix nanoseconds; end is set when answered
	answered         bool
	startMsg, endMsg string
	who              int32 // the customer who started it
	day              int32 // local day of the start
	work             int64 // working seconds to the answer (settings clock)
}

// thread is a chat, or a channel thread.
type thread struct {
	conv   *conv
	root   string // channel threads: the root post's id
	events []event
	waits  []wait
	dirty  bool // events changed out of order: waits recomputed at the next flush
}

// conv is a chat or a channel.
type conv struct {
	no      int32 // its index among the model's conversations (report's sets)
	id      string
	kind    string // KindChat or KindChannel, as known when the model first met it
	threads map[string]*thread
	list    []*thread     // the same threads, in the order met (reports walk them)
	authors map[int32]int // messages by author (the conversation's account is its customers' most frequent)
}

// model holds every counted message in memory, by thread, with the waits
// they make. A message newer than its thread's newest is applied in
// constant time; one that lands between others marks its thread dirty,
// and flush recomputes only that thread.
type model struct {
	set   Settings
	clock *workClock
	zone  *time.Location
	dir   *directory

	authors  []string // index → user id
	authorIx map[string]int32
	roles    []role  // by author, from dir
	lastAt   []int64 // by author: the newest message's time

	convs map[string]*conv
	dirty []*thread
	stale bool // a conversation changed kind: rebuild
}

func newModel(set Settings, clock *workClock, dir *directory) *model {
	return &model{set: set, clock: clock, zone: clock.zone(), dir: dir, authorIx: map[string]int32{}, convs: map[string]*conv{}}
}

func (m *model) author(id string) int32 {
	if i, ok := m.authorIx[id]; ok {
		return i
	}
	i := int32(len(m.authors))
	m.authors = append(m.authors, id)
	m.authorIx[id] = i
	m.roles = append(m.roles, m.dir.role(id))
	m.lastAt = append(m.lastAt, 0)
	return i
}

// dayOf is the local day of an instant.
func (m *model) dayOf(ns int64) int32 {
	y, mo, d := time.Unix(0, ns).In(m.zone).Date()
	return int32(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// counted reports whether a message can start or end a wait: a message
// (not a system event) by a user (not a bot or connector).
func counted(typ, from string) bool {
	return (typ == "" || typ == "message") && from != ""
}

// apply adds a message. A message already held (an edit, a deletion)
// changes nothing: its creation time and author stay.
func (m *model) apply(p post) {
	if !counted(p.typ, p.from) {
		return
	}
	c := m.convs[p.conv]
	if c == nil {
		kind := KindChat
		if info, ok := m.dir.convs[p.conv]; ok {
			kind = info.kind
		}
		c = &conv{no: int32(len(m.convs)), id: p.conv, kind: kind, threads: map[string]*thread{}, authors: map[int32]int{}}
		m.convs[p.conv] = c
	}
	root := ""
	if c.kind == KindChannel {
		if root = p.replyTo; root == "" {
			root = p.id
		}
	}
	th := c.threads[root]
	if th == nil {
		th = &thread{conv: c, root: root}
		c.threads[root] = th
		c.list = append(c.list, th)
	}
	ev := event{at: p.at.UnixNano(), id: p.id, who: m.author(p.from)}
	ev.day = m.dayOf(ev.at)
	n := len(th.events)
	if n == 0 || th.events[n-1].before(ev) {
		m.count(c, ev)
		th.events = append(th.events, ev)
		if !th.dirty {
			m.step(th, ev)
		}
		return
	}
	i := sort.Search(n, func(i int) bool { return !th.events[i].before(ev) })
	if th.events[i].at == ev.at && th.events[i].id == ev.id {
		return
	}
	m.count(c, ev)
	th.events = append(th.events, event{})
	copy(th.events[i+1:], th.events[i:])
	th.events[i] = ev
	if !th.dirty {
		th.dirty = true
		m.dirty = append(m.dirty, th)
	}
}

// count notes a new event in its conversation's and author's tallies.
func (m *model) count(c *conv, ev event) {
	c.authors[ev.who]++
	if ev.at > m.lastAt[ev.who] {
		m.lastAt[ev.who] = ev.at
	}
}

// step applies the thread's newest event to its waits.
func (m *model) step(th *thread, ev event) {
	n := len(th.waits)
	switch m.roles[ev.who] {
	case roleCustomer:
		if n == 0 || th.waits[n-1].answered {
			th.waits = append(th.waits, wait{start: ev.at, startMsg: ev.id, who: ev.who, day: ev.day})
		}
	case roleMember:
		if n > 0 && !th.waits[n-1].answered {
			w := &th.waits[n-1]
			w.end, w.endMsg, w.answered = ev.at, ev.id, true
			w.work = int64(m.clock.elapsed(time.Unix(0, w.start), time.Unix(0, w.end)) / time.Second)
		}
	}
}

// recompute rebuilds a thread's waits from its events.
func (m *model) recompute(th *thread) {
	th.waits = th.waits[:0]
	for _, ev := range th.events {
		m.step(th, ev)
	}
	th.dirty = false
}

// flush recomputes the dirty threads.
func (m *model) flush() {
	for _, th := range m.dirty {
		m.recompute(th)
	}
	m.dirty = m.dirty[:0]
}

// redirect takes a newly read directory: roles that moved recompute every
// thread; a conversation that changed kind makes the model stale.
func (m *model) redirect(dir *directory) {
	m.dir = dir
	moved := false
	for i, id := range m.authors {
		if r := dir.role(id); r != m.roles[i] {
			m.roles[i], moved = r, true
		}
	}
	for id, c := range m.convs {
		if info, ok := dir.convs[id]; ok && info.kind != c.kind {
			m.stale = true
		}
	}
	if moved {
		for _, c := range m.convs {
			for _, th := range c.list {
				m.recompute(th)
			}
		}
		m.dirty = m.dirty[:0]
	}
}
