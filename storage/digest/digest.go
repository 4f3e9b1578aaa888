package digest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/metrics"
)

// ErrInvalid is a week, an account or a language the digest cannot use.
var ErrInvalid = errors.New("invalid digest request")

// Metrics is what a digest reads of the metrics (*metrics.Service).
type Metrics interface {
	Report(ctx context.Context, q metrics.Query) (metrics.Report, error)
	Waits(ctx context.Context, q metrics.Query, by, id string) ([]metrics.Wait, error)
	Accounts(ctx context.Context) ([]metrics.Account, error)
}

// Store is what a digest reads in the store (*storage.DB).
type Store interface {
	MessagesAround(ctx context.Context, convID, msgID string, n int, thread string) ([]storage.MessageWithBody, error)
	Records(ctx context.Context, set string) ([]storage.Record, error)
}

// Request names a digest: an ISO week (YYYY-Www), an account (its id or
// its name; "" for every account with something to say) and a language.
type Request struct {
	Week    string `json:"week"`
	Account string `json:"account,omitempty"`
	Lang    string `json:"lang,omitempty"`
}

// Question is a customer message that started a wait in the week.
type Question struct {
	At           time.Time `json:"at"`
	Customer     string    `json:"customer"`
	Conversation string    `json:"conversation"`
	ConvID       string    `json:"convId"`
	Message      string    `json:"message"`
	Text         string    `json:"text"`
	Answered     bool      `json:"answered"`
	Seconds      int64     `json:"seconds"` // first response time (answered only)
	WithinTarget bool      `json:"withinTarget"`
}

// Case is a Dynamics 365 case of the account opened, resolved or changed
// in the week.
type Case struct {
	Number string    `json:"number"`
	Title  string    `json:"title"`
	Change string    `json:"change"` // opened, resolved or updated
	State  int       `json:"state"`  // statecode: 0 active, 1 resolved, 2 cancelled
	At     time.Time `json:"at"`
}

// Account is one account's week.
type Account struct {
	metrics.Group            // ID and Name are the account's
	Questions     []Question `json:"questions"`
	Open          []Question `json:"open"`
	Cases         []Case     `json:"cases"`
}

// Digest is a week's digest: one account, or every account (the overview).
type Digest struct {
	Week          string        `json:"week"`
	From          string        `json:"from"` // Monday, YYYY-MM-DD
	To            string        `json:"to"`   // Sunday
	Zone          string        `json:"zone"`
	Lang          string        `json:"lang"`
	TargetSeconds int64         `json:"targetSeconds"`
	QuietDays     int           `json:"quietDays"`
	Accounts      []Account     `json:"accounts"`
	Total         metrics.Group `json:"total"`
	// Quiet names the accounts that went quiet (every account's, in the
	// overview; the account's own otherwise).
	Quiet    []metrics.Group `json:"quiet"`
	Overview bool            `json:"overview"`
}

var weekRE = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// Monday returns the first day of an ISO week in loc.
func Monday(week string, loc *time.Location) (time.Time, error) {
	m := weekRE.FindStringSubmatch(week)
	if m == nil {
		return time.Time{}, fmt.Errorf("%w: week %q (want YYYY-Www, e.g. 2026-W48)", ErrInvalid, week)
	}
	y, _ := strconv.Atoi(m[1])
	w, _ := strconv.Atoi(m[2])
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
	mon := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if yy, ww := mon.ISOWeek(); w < 1 || yy != y || ww != w {
		return time.Time{}, fmt.Errorf("%w: %s has no week %d", ErrInvalid, m[1], w)
	}
	return mon, nil
}

// NewMetrics returns a metrics service over db as of the end of week (or
// now, during the week), so open waits and quiet accounts are those of
// that moment and a past week's digest does not change with the clock.
// It keeps its model between the calls a digest makes (one computation,
// not one per account): Close it when done.
func NewMetrics(ctx context.Context, db metrics.Store, week string, now time.Time) (*metrics.Service, error) {
	svc := metrics.New(db)
	set, err := svc.Settings(ctx)
	if err != nil {
		return nil, err
	}
	loc := time.Local
	if h := set.Hours; len(h) > 0 && h[len(h)-1].Zone != "" {
		if loc, err = time.LoadLocation(h[len(h)-1].Zone); err != nil {
			return nil, fmt.Errorf("%w: time zone %q: %v", ErrInvalid, h[len(h)-1].Zone, err)
		}
	}
	mon, err := Monday(week, loc)
	if err != nil {
		return nil, err
	}
	end := mon.AddDate(0, 0, 7)
	if now.Before(end) {
		end = now
	}
	svc.Now = func() time.Time { return end }
	svc.Watch()
	return svc, nil
}

// WeekStore is what Week reads: the metrics' store and the digest's.
type WeekStore interface {
	metrics.Store
	Store
}

// Week computes the digests a request asks for as of the week's end (or
// now): NewMetrics, then Build.
func Week(ctx context.Context, db WeekStore, req Request, now time.Time) ([]Digest, error) {
	svc, err := NewMetrics(ctx, db, req.Week, now)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	return Build(ctx, svc, db, req)
}

// Build computes the digests a request asks for: one per account (the
// named one, or each with waits, messages or case changes in the week),
// and with no account named, the overview first.
func Build(ctx context.Context, m Metrics, db Store, req Request) ([]Digest, error) {
	lang := Lang(req.Lang)
	if !weekRE.MatchString(req.Week) {
		return nil, fmt.Errorf("%w: week %q (want YYYY-Www, e.g. 2026-W48)", ErrInvalid, req.Week)
	}
	probe, err := m.Report(ctx, metrics.Query{From: "2000-01-03", To: "2000-01-03"})
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(probe.Zone)
	if err != nil {
		loc = time.UTC // the computer's zone, named by its abbreviation
	}
	mon, err := Monday(req.Week, loc)
	if err != nil {
		return nil, err
	}
	q := metrics.Query{From: mon.Format(time.DateOnly), To: mon.AddDate(0, 0, 6).Format(time.DateOnly)}
	if req.Account != "" {
		accs, err := m.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(accs, func(a metrics.Account) bool { return a.ID == req.Account || strings.EqualFold(a.Name, req.Account) })
		if i < 0 {
			return nil, fmt.Errorf("%w: no account %q", ErrInvalid, req.Account)
		}
		q.Account = accs[i].ID
	}
	rep, err := m.Report(ctx, q)
	if err != nil {
		return nil, err
	}
	cases, err := weekCases(ctx, db, mon, loc)
	if err != nil {
		return nil, err
	}
	base := Digest{Week: req.Week, From: q.From, To: q.To, Zone: rep.Zone, Lang: lang, TargetSeconds: rep.TargetSeconds, QuietDays: rep.QuietDays}
	var quiet []metrics.Group
	for _, g := range rep.Accounts {
		if g.Quiet && g.ID != "" {
			quiet = append(quiet, g)
		}
	}
	slices.SortFunc(quiet, func(a, b metrics.Group) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	// The week's waits, read once and grouped by account.
	all, err := m.Waits(ctx, q, metrics.ByTotal, "")
	if err != nil {
		return nil, err
	}
	waits := map[string][]metrics.Wait{}
	for _, w := range all {
		waits[w.Account] = append(waits[w.Account], w)
	}
	var accounts []Account
	for _, g := range rep.Accounts {
		if g.ID == "" && q.Account == "" && g.Waits == 0 {
			continue
		}
		if q.Account != "" && g.ID != q.Account {
			continue
		}
		a := account(ctx, db, g, waits[g.ID], cases[g.ID])
		if a.Waits == 0 && a.Messages == 0 && len(a.Cases) == 0 && q.Account == "" {
			continue
		}
		accounts = append(accounts, a)
	}
	if q.Account != "" && len(accounts) == 0 {
		// Nothing this week: the digest says so.
		name := req.Account
		if accs, err := m.Accounts(ctx); err == nil {
			for _, x := range accs {
				if x.ID == q.Account {
					name = x.Name
				}
			}
		}
		accounts = append(accounts, Account{Group: metrics.Group{ID: q.Account, Name: name}, Cases: cases[q.Account]})
	}
	slices.SortFunc(accounts, func(a, b Account) int {
		if (a.ID == "") != (b.ID == "") {
			return cmp.Compare(boolInt(a.ID == ""), boolInt(b.ID == ""))
		}
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	var out []Digest
	if q.Account == "" {
		d := base
		d.Overview, d.Total, d.Quiet = true, rep.Total, quiet
		for _, a := range accounts {
			a.Questions, a.Open, a.Cases = nil, nil, nil
			d.Accounts = append(d.Accounts, a)
		}
		out = append(out, d)
	}
	for _, a := range accounts {
		d := base
		d.Accounts, d.Total = []Account{a}, a.Group
		if a.Quiet {
			d.Quiet = []metrics.Group{a.Group}
		}
		out = append(out, d)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// account gathers one account's questions and open waits.
func account(ctx context.Context, db Store, g metrics.Group, waits []metrics.Wait, cases []Case) Account {
	a := Account{Group: g, Cases: cases}
	for _, w := range waits {
		qu := Question{At: w.Start.UTC(), Customer: w.Customer, Conversation: w.Name, ConvID: w.Conversation, Message: w.Message,
			Answered: w.Answered, WithinTarget: w.WithinTarget}
		if w.Answered {
			qu.Seconds = w.Seconds
		}
		qu.Text = messageText(ctx, db, w)
		a.Questions = append(a.Questions, qu)
		if !w.Answered {
			a.Open = append(a.Open, qu)
		}
	}
	byTime := func(x, y Question) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.ConvID, y.ConvID), cmp.Compare(x.Message, y.Message))
	}
	slices.SortFunc(a.Questions, byTime)
	slices.SortFunc(a.Open, byTime)
	return a
}

// maxText bounds a question's text in a digest (runes).
const maxText = 280

// messageText is a wait's first message as plain text, shortened.
func messageText(ctx context.Context, db Store, w metrics.Wait) string {
	msgs, err := db.MessagesAround(ctx, w.Conversation, w.Message, 0, "")
	if err != nil {
		return ""
	}
	for _, m := range msgs {
		if m.ID != w.Message {
			continue
		}
		t := strings.Join(strings.Fields(content.Extract(m.Body.Raw, m.TextBody).Text), " ")
		if r := []rune(t); len(r) > maxText {
			t = string(r[:maxText-1]) + "…"
		}
		return t
	}
	return ""
}

// weekCases lists, by account, the cases opened, resolved or otherwise
// changed in the week.
func weekCases(ctx context.Context, db Store, mon time.Time, loc *time.Location) (map[string][]Case, error) {
	recs, err := db.Records(ctx, "incidents")
	if err != nil {
		return nil, err
	}
	from, to := mon, mon.AddDate(0, 0, 7)
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }
	out := map[string][]Case{}
	for _, r := range recs {
		if r.Deleted != nil {
			continue
		}
		f := r.Fields
		acct, _ := f["_customerid_value"].(string)
		created, modified := fieldTime(f["createdon"]), fieldTime(f["modifiedon"])
		state := intField(f["statecode"])
		c := Case{Number: str(f["ticketnumber"]), Title: str(f["title"]), State: state}
		switch {
		case in(created):
			c.Change, c.At = "opened", created
		case state == 1 && in(modified):
			c.Change, c.At = "resolved", modified
		case in(modified):
			c.Change, c.At = "updated", modified
		default:
			continue
		}
		c.At = c.At.UTC()
		out[acct] = append(out[acct], c)
	}
	for _, cs := range out {
		slices.SortFunc(cs, func(a, b Case) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Number, b.Number)) })
	}
	return out, nil
}

func str(v any) string { s, _ := v.(string); return s }

func intField(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case int:
		return x
	case int64:
		return int(x)
	}
	return 0
}

func fieldTime(v any) time.Time {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
