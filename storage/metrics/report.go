package metrics

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Query selects what a report covers.
type Query struct {
	From    string `json:"from,omitempty"`    // first day, YYYY-MM-DD in the working-hours zone ("": from the start)
	To      string `json:"to,omitempty"`      // last day, inclusive ("": up to now)
	Account string `json:"account,omitempty"` // a CRM account id ("": every account)
	Hours   string `json:"hours,omitempty"`   // HoursSettings (default) or HoursWall
}

// Figures are the response figures of a set of waits.
type Figures struct {
	Waits      int `json:"waits"`      // waits started in the period
	Answered   int `json:"answered"`   // of which answered
	Unanswered int `json:"unanswered"` // of which still waiting
	// MedianSeconds and P90Seconds are nearest-rank percentiles of the
	// answered waits' first response times (null: none answered).
	MedianSeconds *int64 `json:"medianSeconds"`
	P90Seconds    *int64 `json:"p90Seconds"`
	// WithinTarget is the share of decided waits (answered, or waiting
	// longer than the target) answered within the target (null: none
	// decided); WithinCount and Decided are its numerator and denominator.
	WithinTarget *float64 `json:"withinTarget"`
	WithinCount  int      `json:"withinCount"`
	Decided      int      `json:"decided"`
}

// Group is the figures of one account, team, conversation or week (or
// of everything: Report.Total), with its activity.
type Group struct {
	ID   string `json:"id"`             // account id ("": no account known), team id, chat or channel id, week YYYY-Www
	Name string `json:"name"`           // account, team or conversation name
	Kind string `json:"kind,omitempty"` // conversations: chat or channel
	Team string `json:"team,omitempty"` // channels: the team's id
	Figures
	Messages         int `json:"messages"`         // members' and customers' messages in the period
	CustomerMessages int `json:"customerMessages"` // of which customers'
	ActiveCustomers  int `json:"activeCustomers"`  // distinct customers who wrote
	Conversations    int `json:"conversations"`    // distinct conversations customers wrote in
	// Accounts only: the last customer message ever, quiet when older
	// than Settings.QuietDays, and Dynamics 365 cases opened and resolved
	// in the period.
	LastCustomerMessage *time.Time `json:"lastCustomerMessage,omitempty"`
	Quiet               bool       `json:"quiet,omitempty"`
	CasesOpened         int        `json:"casesOpened,omitempty"`
	CasesResolved       int        `json:"casesResolved,omitempty"`
	// Threads (chats and channel threads) the user tagged resolved or
	// unresolved (Settings), counted in the period of their newest
	// message.
	ThreadsResolved   int `json:"threadsResolved,omitempty"`
	ThreadsUnresolved int `json:"threadsUnresolved,omitempty"`
}

// Bucket counts answered waits whose first response time is at most
// UpToSeconds (and above the previous bucket's); the last has no bound.
type Bucket struct {
	UpToSeconds *int64 `json:"upToSeconds"`
	Count       int    `json:"count"`
}

// Wait is one wait, the evidence behind a figure.
type Wait struct {
	Conversation string     `json:"conversation"`     // chat or channel id
	Kind         string     `json:"kind"`             // chat or channel
	Name         string     `json:"name"`             // the conversation's name
	Team         string     `json:"team,omitempty"`   // channels: the team's id
	Thread       string     `json:"thread,omitempty"` // channels: the thread's root post
	Message      string     `json:"message"`          // the customer message that started it
	Answer       string     `json:"answer,omitempty"` // the message that ended it
	Customer     string     `json:"customer"`         // who started it (name)
	CustomerID   string     `json:"customerId"`
	Account      string     `json:"account"` // account id ("": none known)
	AccountName  string     `json:"accountName"`
	Week         string     `json:"week"` // YYYY-Www of the start
	Start        time.Time  `json:"start"`
	End          *time.Time `json:"end"`
	// Seconds is the first response time, or for a wait still open its
	// age now, on the report's clock.
	Seconds      int64 `json:"seconds"`
	Answered     bool  `json:"answered"`
	WithinTarget bool  `json:"withinTarget"`
}

// Report is the metrics of a period.
type Report struct {
	Query         Query     `json:"query"`
	Zone          string    `json:"zone"` // the time zone of days and weeks
	Now           time.Time `json:"now"`
	TargetSeconds int64     `json:"targetSeconds"`
	QuietDays     int       `json:"quietDays"`
	Total         Group     `json:"total"`
	Accounts      []Group   `json:"accounts"`
	Teams         []Group   `json:"teams"`
	Conversations []Group   `json:"conversations"`
	Weeks         []Group   `json:"weeks"`
	Distribution  []Bucket  `json:"distribution"`
	// Unanswered are the waits of the period still open, oldest first (at
	// most MaxUnanswered; Total.Unanswered counts them all).
	Unanswered []Wait `json:"unanswered"`
}

// MaxUnanswered bounds Report.Unanswered.
const MaxUnanswered = 1000

// DistributionBounds are the upper bounds of Report.Distribution's
// buckets, in seconds.
var DistributionBounds = []int64{5 * 60, 15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600}

// Group dimensions (Service.Waits).
const (
	ByTotal        = "total"
	ByAccount      = "account"
	ByTeam         = "team"
	ByConversation = "conversation"
	ByWeek         = "week"
)

// span is a query compiled against a model.
type span struct {
	from, to int64 // [from, to) Unix nanoseconds
	account  string
	all      bool // no account filter
	wall     bool
	target   int64
	now      time.Time
}

// percentile is the nearest-rank p-th percentile of sorted values.
func percentile(sorted []int64, p int) int64 {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// acc accumulates a group. Its distinct customers and conversations are
// bit sets over the model's author and conversation indexes.
type acc struct {
	g         Group
	secs      []int64
	customers bitset
	convs     bitset
}

// bitset is a set of small non-negative integers.
type bitset []uint64

// add puts i in the set, growing it, and reports whether i is new.
func (b *bitset) add(i int32) bool {
	w, bit := int(i>>6), uint64(1)<<(uint(i)&63)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	if (*b)[w]&bit != 0 {
		return false
	}
	(*b)[w] |= bit
	return true
}

func (a *acc) addWait(answered bool, secs, target int64) {
	a.g.Waits++
	if answered {
		a.g.Answered++
		a.secs = append(a.secs, secs)
		a.g.Decided++
		if secs <= target {
			a.g.WithinCount++
		}
		return
	}
	a.g.Unanswered++
	if secs > target {
		a.g.Decided++
	}
}

func (a *acc) addMessage(customer bool, who int32, c *conv) {
	a.g.Messages++
	if !customer {
		return
	}
	a.g.CustomerMessages++
	if a.customers.add(who) {
		a.g.ActiveCustomers++
	}
	if a.convs.add(c.no) {
		a.g.Conversations++
	}
}

func (a *acc) done() Group {
	g := a.g
	if len(a.secs) > 0 {
		slices.Sort(a.secs)
		med, p90 := percentile(a.secs, 50), percentile(a.secs, 90)
		g.MedianSeconds, g.P90Seconds = &med, &p90
	}
	if g.Decided > 0 {
		share := math.Round(float64(g.WithinCount)/float64(g.Decided)*10000) / 10000
		g.WithinTarget = &share
	}
	return g
}

// groups is a dimension's accumulators.
type groups map[string]*acc

func (gs groups) get(id string, init func(*Group)) *acc {
	a := gs[id]
	if a == nil {
		a = &acc{g: Group{ID: id}}
		if init != nil {
			init(&a.g)
		}
		gs[id] = a
	}
	return a
}

// conv is a conversation's accumulator.
func (gs groups) conv(m *model, c *conv) *acc {
	a := gs[c.id]
	if a == nil {
		info := m.dir.convs[c.id]
		a = &acc{g: Group{ID: c.id, Name: info.name, Kind: c.kind, Team: info.team}}
		gs[c.id] = a
	}
	return a
}

func (gs groups) list(less func(a, b *Group) int) []Group {
	out := make([]Group, 0, len(gs))
	for _, a := range gs {
		out = append(out, a.done())
	}
	slices.SortFunc(out, func(a, b Group) int {
		if c := less(&a, &b); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// weekOf is the ISO week (YYYY-Www) of a local day.
func weekOf(day int32) string {
	monday := int64(day) - int64((day+3)%7+7)%7 // days since the epoch, Monday of the week
	y, w := time.Unix((monday+3)*86400, 0).UTC().ISOWeek()
	return strconv.Itoa(y) + "-W" + pad2(w)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// walk calls f for every wait in the span (account filter applied), in
// no particular order.
func (m *model) walk(s span, accountOf func(th *thread, w *wait) string, f func(th *thread, w *wait, account string)) {
	for _, c := range m.convs {
		for _, th := range c.list {
			for i := range th.waits {
				w := &th.waits[i]
				if w.start < s.from || w.start >= s.to {
					continue
				}
				acct := accountOf(th, w)
				if !s.all && acct != s.account {
					continue
				}
				f(th, w, acct)
			}
		}
	}
}

// ages computes the age now of open waits on the report's clock, sharing
// the work between waits: elapsed(start, now) = elapsed(start, next
// midnight) + elapsed(next midnight, now), the latter chained from the
// newest midnight back.
type ages struct {
	m      *model
	s      span
	memo   map[int64]int64 // local midnight (ns) → working seconds from it to now
	starts []int64
}

func (m *model) agesFor(s span, starts []int64) *ages {
	a := &ages{m: m, s: s, memo: map[int64]int64{}}
	if s.wall {
		return a
	}
	now := s.now.UnixNano()
	var mids []int64
	seen := map[int64]bool{}
	for _, st := range starts {
		mid := m.nextMidnight(st)
		if mid < now && !seen[mid] {
			seen[mid] = true
			mids = append(mids, mid)
		}
	}
	sort.Slice(mids, func(i, j int) bool { return mids[i] > mids[j] })
	next, acc := now, int64(0)
	for _, mid := range mids {
		acc += int64(m.clock.elapsed(time.Unix(0, mid), time.Unix(0, next)))
		a.memo[mid], next = acc, mid
	}
	return a
}

func (m *model) nextMidnight(ns int64) int64 {
	y, mo, d := time.Unix(0, ns).In(m.zone).Date()
	return time.Date(y, mo, d+1, 0, 0, 0, 0, m.zone).UnixNano()
}

// age is the open wait's age in seconds.
func (a *ages) age(start int64) int64 {
	now := a.s.now.UnixNano()
	if a.s.wall {
		return max(now-start, 0) / 1e9
	}
	mid := a.m.nextMidnight(start)
	if mid >= now {
		return int64(a.m.clock.elapsed(time.Unix(0, start), a.s.now) / time.Second)
	}
	return (int64(a.m.clock.elapsed(time.Unix(0, start), time.Unix(0, mid))) + a.memo[mid]) / 1e9
}

// seconds is an answered wait's first response time on the span's clock.
func (s span) seconds(w *wait) int64 {
	if s.wall {
		return (w.end - w.start) / 1e9
	}
	return w.work
}

// accounts returns each customer's account (by author) and each
// conversation's: the one Dynamics links it to, else the account most of
// its customers' messages belong to.
func (m *model) accounts() (byAuthor []string, byConv map[*conv]string) {
	byAuthor = make([]string, len(m.authors))
	for i, id := range m.authors {
		if m.roles[i] == roleCustomer {
			byAuthor[i] = m.dir.accountOf(id)
		}
	}
	byConv = map[*conv]string{}
	for _, c := range m.convs {
		if acc := m.dir.convAccount[c.id]; acc != "" {
			byConv[c] = acc
			continue
		}
		count := map[string]int{}
		for who, n := range c.authors {
			if acc := byAuthor[who]; acc != "" {
				count[acc] += n
			}
		}
		best := ""
		for acc, n := range count {
			if n > count[best] || n == count[best] && acc < best {
				best = acc
			}
		}
		byConv[c] = best
	}
	return byAuthor, byConv
}

// waitAccount is a wait's account: its customer's, else its conversation's.
func waitAccount(byAuthor []string, byConv map[*conv]string) func(th *thread, w *wait) string {
	return func(th *thread, w *wait) string {
		if acc := byAuthor[w.who]; acc != "" {
			return acc
		}
		return byConv[th.conv]
	}
}

// report computes a report over the span.
func (m *model) report(s span, tg tagged) Report {
	r := Report{Zone: zoneName(m.zone, s.now), Now: s.now, TargetSeconds: s.target, QuietDays: m.set.QuietDays}
	authorAcc, convAcc := m.accounts()
	accountOf := waitAccount(authorAcc, convAcc)
	total := &acc{}
	accounts, teams, convs, weeks := groups{}, groups{}, groups{}, groups{}
	accountInit := func(g *Group) { g.Name = m.dir.accounts.Name(g.ID) }
	teamInit := func(g *Group) { g.Name = m.dir.teams[g.ID] }
	weekLabel := map[int32]string{}
	week := func(day int32) string {
		l, ok := weekLabel[day]
		if !ok {
			l = weekOf(day)
			weekLabel[day] = l
		}
		return l
	}
	buckets := make([]int, len(DistributionBounds)+1)
	// Each conversation's and each customer's groups are looked up once,
	// not at every wait and message.
	type convGroups struct {
		conv, team, account *acc
	}
	byConv := map[*conv]*convGroups{}
	groupsOf := func(c *conv) *convGroups {
		cg := byConv[c]
		if cg == nil {
			cg = &convGroups{conv: convs.conv(m, c)}
			if c.kind == KindChannel {
				cg.team = teams.get(m.dir.convs[c.id].team, teamInit)
			}
			byConv[c] = cg
		}
		return cg
	}
	authorGroup := make([]*acc, len(m.authors))
	accountGroup := func(account string, who int32, c *conv, byAuthor bool) *acc {
		if byAuthor {
			if authorGroup[who] == nil {
				authorGroup[who] = accounts.get(account, accountInit)
			}
			return authorGroup[who]
		}
		cg := groupsOf(c)
		if cg.account == nil {
			cg.account = accounts.get(account, accountInit)
		}
		return cg.account
	}
	weekGroup := map[int32]*acc{}
	weekOfDay := func(day int32) *acc {
		a := weekGroup[day]
		if a == nil {
			a = weeks.get(week(day), nil)
			weekGroup[day] = a
		}
		return a
	}
	addWait := func(th *thread, w *wait, account string, secs int64) {
		total.addWait(w.answered, secs, s.target)
		accountGroup(account, w.who, th.conv, authorAcc[w.who] != "").addWait(w.answered, secs, s.target)
		cg := groupsOf(th.conv)
		cg.conv.addWait(w.answered, secs, s.target)
		weekOfDay(w.day).addWait(w.answered, secs, s.target)
		if cg.team != nil {
			cg.team.addWait(w.answered, secs, s.target)
		}
	}
	// Answered waits are counted as they are met; open ones once their
	// ages are known (computed together).
	var open []*wait
	var openTh []*thread
	var openAcc []string
	m.walk(s, accountOf, func(th *thread, w *wait, account string) {
		if !w.answered {
			open, openTh, openAcc = append(open, w), append(openTh, th), append(openAcc, account)
			return
		}
		secs := s.seconds(w)
		i := 0
		for i < len(DistributionBounds) && DistributionBounds[i] < secs {
			i++
		}
		buckets[i]++
		addWait(th, w, account, secs)
	})
	starts := make([]int64, len(open))
	for i, w := range open {
		starts[i] = w.start
	}
	ag := m.agesFor(s, starts)
	ageOf := make([]int64, len(open))
	for i, w := range open {
		ageOf[i] = ag.age(w.start)
		addWait(openTh[i], w, openAcc[i], ageOf[i])
	}
	// Activity: the period's messages.
	last := map[string]int64{}
	for who, at := range m.lastAt {
		if m.roles[who] == roleCustomer {
			if acc := authorAcc[who]; acc != "" && at > last[acc] {
				last[acc] = at
			}
		}
	}
	for _, c := range m.convs {
		for _, th := range c.list {
			from := 0
			if len(th.events) > 0 && th.events[0].at < s.from {
				from = sort.Search(len(th.events), func(i int) bool { return th.events[i].at >= s.from })
			}
			var wk *acc
			wkDay := int32(math.MinInt32)
			for _, e := range th.events[from:] {
				if e.at >= s.to {
					break
				}
				rl := m.roles[e.who]
				if rl == roleNone {
					continue
				}
				customer := rl == roleCustomer
				account, byAuthor := convAcc[c], false
				if customer && authorAcc[e.who] != "" {
					account, byAuthor = authorAcc[e.who], true
				}
				if !s.all && account != s.account {
					continue
				}
				if e.day != wkDay {
					wk, wkDay = weekOfDay(e.day), e.day
				}
				cg := groupsOf(c)
				total.addMessage(customer, e.who, c)
				accountGroup(account, e.who, c, byAuthor).addMessage(customer, e.who, c)
				cg.conv.addMessage(customer, e.who, c)
				wk.addMessage(customer, e.who, c)
				if cg.team != nil {
					cg.team.addMessage(customer, e.who, c)
				}
			}
		}
	}
	// Resolution: the threads the user tagged, in the period of their
	// newest message, under the account of the customer who first waited
	// in them (else the conversation's).
	for th, st := range m.states(tg) {
		n := len(th.events)
		if n == 0 || th.events[n-1].at < s.from || th.events[n-1].at >= s.to {
			continue
		}
		account, byAuthor, who := convAcc[th.conv], false, int32(0)
		if len(th.waits) > 0 && authorAcc[th.waits[0].who] != "" {
			who = th.waits[0].who
			account, byAuthor = authorAcc[who], true
		}
		if !s.all && account != s.account {
			continue
		}
		cg := groupsOf(th.conv)
		for _, a := range []*acc{total, accountGroup(account, who, th.conv, byAuthor), cg.conv, cg.team, weekOfDay(th.events[n-1].day)} {
			if a == nil {
				continue
			}
			if st == stateResolved {
				a.g.ThreadsResolved++
			} else {
				a.g.ThreadsUnresolved++
			}
		}
	}
	for _, cs := range m.dir.cases {
		if !s.all && cs.account != s.account {
			continue
		}
		if in := cs.opened.UnixNano(); !cs.opened.IsZero() && in >= s.from && in < s.to {
			accounts.get(cs.account, accountInit).g.CasesOpened++
			total.g.CasesOpened++
		}
		if in := cs.resolved.UnixNano(); !cs.resolved.IsZero() && in >= s.from && in < s.to {
			accounts.get(cs.account, accountInit).g.CasesResolved++
			total.g.CasesResolved++
		}
	}
	quietBefore := s.now.Add(-time.Duration(m.set.QuietDays) * 24 * time.Hour).UnixNano()
	for id, a := range accounts {
		if at, ok := last[id]; ok && id != "" {
			t := time.Unix(0, at).UTC()
			a.g.LastCustomerMessage = &t
			a.g.Quiet = at < quietBefore
		}
	}
	r.Total = total.done()
	r.Accounts = accounts.list(func(a, b *Group) int {
		return cmp.Or(cmp.Compare(b.Waits, a.Waits), cmp.Compare(b.Messages, a.Messages), cmp.Compare(a.Name, b.Name))
	})
	r.Teams = teams.list(func(a, b *Group) int { return cmp.Compare(a.Name, b.Name) })
	r.Conversations = convs.list(func(a, b *Group) int {
		return cmp.Or(cmp.Compare(b.Waits, a.Waits), cmp.Compare(b.Messages, a.Messages), cmp.Compare(a.Name, b.Name))
	})
	r.Weeks = weeks.list(func(a, b *Group) int { return 0 })
	for i, n := range buckets {
		b := Bucket{Count: n}
		if i < len(DistributionBounds) {
			b.UpToSeconds = &DistributionBounds[i]
		}
		r.Distribution = append(r.Distribution, b)
	}
	order := make([]int, len(open))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := open[i], open[j]
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		if c := cmp.Compare(openTh[i].conv.id, openTh[j].conv.id); c != 0 {
			return c
		}
		return cmp.Compare(a.startMsg, b.startMsg)
	})
	r.Unanswered = make([]Wait, 0, min(len(order), MaxUnanswered))
	for _, i := range order[:min(len(order), MaxUnanswered)] {
		r.Unanswered = append(r.Unanswered, m.view(s, openTh[i], open[i], openAcc[i], ageOf[i]))
	}
	return r
}

// view is a wait as the UI and the command line see it.
func (m *model) view(s span, th *thread, w *wait, account string, secs int64) Wait {
	info := m.dir.convs[th.conv.id]
	cust := m.authors[w.who]
	name := m.dir.names[cust]
	if name == "" {
		name = cust
	}
	v := Wait{Conversation: th.conv.id, Kind: th.conv.kind, Name: info.name, Team: info.team, Thread: th.root,
		Message: w.startMsg, Customer: name, CustomerID: cust, Account: account, AccountName: m.dir.accounts.Name(account),
		Week: weekOf(w.day), Start: time.Unix(0, w.start).UTC(), Seconds: secs, Answered: w.answered,
		WithinTarget: w.answered && secs <= s.target}
	if w.answered {
		end := time.Unix(0, w.end).UTC()
		v.End, v.Answer = &end, w.endMsg
	}
	return v
}

// inGroup reports whether something of conversation c, counted under
// account on local day day, belongs to group id of dimension by.
func (m *model) inGroup(by, id string, c *conv, account string, day int32) bool {
	switch by {
	case ByTotal:
		return true
	case ByAccount:
		return account == id
	case ByTeam:
		return c.kind == KindChannel && m.dir.convs[c.id].team == id
	case ByConversation:
		return c.id == id
	case ByWeek:
		return weekOf(day) == id
	}
	return false
}

// waits lists the waits behind one group's figures, by first response
// time (open waits by age), shortest first.
func (m *model) waits(s span, by, id string) []Wait {
	accountOf := waitAccount(m.accounts())
	type pick struct {
		th *thread
		w  *wait
		a  string
	}
	var picks []pick
	m.walk(s, accountOf, func(th *thread, w *wait, account string) {
		if m.inGroup(by, id, th.conv, account, w.day) {
			picks = append(picks, pick{th, w, account})
		}
	})
	var starts []int64
	for _, p := range picks {
		if !p.w.answered {
			starts = append(starts, p.w.start)
		}
	}
	ag := m.agesFor(s, starts)
	secs := make([]int64, len(picks))
	order := make([]int, len(picks))
	for i, p := range picks {
		order[i] = i
		if secs[i] = s.seconds(p.w); !p.w.answered {
			secs[i] = ag.age(p.w.start)
		}
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := picks[i], picks[j]
		if c := cmp.Compare(secs[i], secs[j]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.w.start, b.w.start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.th.conv.id, b.th.conv.id); c != 0 {
			return c
		}
		return cmp.Compare(a.w.startMsg, b.w.startMsg)
	})
	out := make([]Wait, 0, len(picks))
	for _, i := range order {
		out = append(out, m.view(s, picks[i].th, picks[i].w, picks[i].a, secs[i]))
	}
	return out
}

// zoneName names a zone for people: its IANA name, or for the computer's
// zone its abbreviation and offset now.
func zoneName(loc *time.Location, now time.Time) string {
	if loc != time.Local {
		return loc.String()
	}
	return now.In(loc).Format("MST (UTC-07:00)")
}
