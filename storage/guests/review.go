package guests

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// ReviewSetting holds the review in progress, LastReviewSetting the time
// the last one was started (for the quarterly reminder).
const (
	ReviewSetting     = "guests.review"
	LastReviewSetting = "guests.review.last"
)

// Review decisions, as Entra access reviews name them.
const (
	Approve  = "approve"
	Deny     = "deny"
	DontKnow = "dontknow"
)

// ReviewMonths is the review period: quarterly (seed 002).
const ReviewMonths = 3

// Sentinels of reviews.
var (
	ErrNoReview    = errors.New("no review in progress")
	ErrReviewOpen  = errors.New("a review is in progress")
	ErrBadDecision = errors.New("a decision is approve, deny or dontknow, with a justification")
)

// Review is a guest access review: every guest of an account (or all)
// with the evidence and recommendation at its start, and the decisions.
type Review struct {
	ID          string       `json:"id"`
	Account     string       `json:"account,omitempty"`
	AccountName string       `json:"accountName,omitempty"`
	Started     time.Time    `json:"started"`
	By          string       `json:"by,omitempty"`
	Items       []ReviewItem `json:"items"`
}

// ReviewItem is one guest under review.
type ReviewItem struct {
	UserID         string    `json:"userId"`
	Name           string    `json:"name"`
	Email          string    `json:"email,omitempty"`
	AccountName    string    `json:"accountName,omitempty"`
	State          string    `json:"state"`
	Teams          []string  `json:"teams"`
	Evidence       []string  `json:"evidence"`
	Recommendation string    `json:"recommendation"` // Approve, or Deny with the recommendations' reasons in Reasons
	Reasons        []string  `json:"reasons,omitempty"`
	Decision       string    `json:"decision,omitempty"`
	Why            string    `json:"why,omitempty"`
	Decided        time.Time `json:"decided,omitzero"`
	DecidedBy      string    `json:"decidedBy,omitempty"`
}

// Progress counts decided items.
func (r Review) Progress() (decided, total int) {
	for _, it := range r.Items {
		if it.Decision != "" {
			decided++
		}
	}
	return decided, len(r.Items)
}

// CurrentReview returns the review in progress, or ErrNoReview.
func CurrentReview(ctx context.Context, db SettingsStore) (Review, error) {
	var r Review
	err := db.Setting(ctx, ReviewSetting, &r)
	if errors.Is(err, storage.ErrNotFound) || err == nil && r.ID == "" {
		return Review{}, ErrNoReview
	}
	if err != nil {
		return Review{}, fmt.Errorf("read the review: %w", err)
	}
	return r, nil
}

// StartReview starts a review of an account's guests (account: a name
// or id; "" every guest). A review in progress must be finished first.
func StartReview(ctx context.Context, db Store, now time.Time, account, by string) (Review, error) {
	if cur, err := CurrentReview(ctx, db); err == nil {
		d, n := cur.Progress()
		return Review{}, fmt.Errorf("%w (%d of %d decided): finish it first", ErrReviewOpen, d, n)
	} else if !errors.Is(err, ErrNoReview) {
		return Review{}, err
	}
	ro, err := Read(ctx, db, now, Query{Account: account})
	if err != nil {
		return Review{}, err
	}
	rv := Review{ID: storage.NewID(), Started: now, By: by, Items: []ReviewItem{}}
	if account != "" {
		if len(ro.Accounts) == 0 {
			return Review{}, fmt.Errorf("%w: account %q has no guests", ErrNotFound, account)
		}
		rv.Account, rv.AccountName = ro.Accounts[0].ID, ro.Accounts[0].Name
	}
	reasons := map[string][]string{}
	for _, rec := range ro.Recommendations {
		if rec.UserID != "" && (rec.Action == ActRemove || rec.Action == ActRemoveChannel) {
			reasons[rec.UserID] = append(reasons[rec.UserID], rec.Reason)
		}
	}
	for _, g := range ro.Guests {
		it := ReviewItem{UserID: g.UserID, Name: g.Name, Email: g.Email, AccountName: g.AccountName, State: g.State, Teams: []string{},
			Evidence: evidence(g), Recommendation: Approve, Reasons: reasons[g.UserID]}
		for _, m := range g.Memberships {
			where := m.Team
			if m.Channel != "" {
				where += " / " + m.Channel
			}
			it.Teams = append(it.Teams, where)
		}
		if len(it.Reasons) > 0 {
			it.Recommendation = Deny
		}
		rv.Items = append(rv.Items, it)
	}
	if err := db.PutSetting(ctx, ReviewSetting, rv); err != nil {
		return Review{}, fmt.Errorf("store the review: %w", err)
	}
	if err := db.PutSetting(ctx, LastReviewSetting, now); err != nil {
		return Review{}, fmt.Errorf("store the review: %w", err)
	}
	return rv, nil
}

// Decide records a decision on a guest (an e-mail, id or name) with its
// justification. Deny plans the guest's removal from each team they are
// in (the change set; applied like any other). Deciding again replaces
// the decision, but planned removals stay until discarded.
func Decide(ctx context.Context, db Store, now time.Time, user, decision, why, by string) (ReviewItem, []Change, error) {
	decision = strings.ToLower(strings.TrimSpace(decision))
	why = strings.TrimSpace(why)
	if decision != Approve && decision != Deny && decision != DontKnow || why == "" {
		return ReviewItem{}, nil, ErrBadDecision
	}
	rv, err := CurrentReview(ctx, db)
	if err != nil {
		return ReviewItem{}, nil, err
	}
	idx := -1
	for i, it := range rv.Items {
		if it.UserID == user || strings.EqualFold(it.Email, user) || strings.EqualFold(it.Name, user) {
			if idx >= 0 {
				return ReviewItem{}, nil, fmt.Errorf("%w: more than one guest matches %q (use the e-mail)", ErrAmbiguous, user)
			}
			idx = i
		}
	}
	if idx < 0 {
		return ReviewItem{}, nil, fmt.Errorf("%w: %q is not in this review", ErrNotFound, user)
	}
	var planned []Change
	if decision == Deny {
		ro, err := Read(ctx, db, now, Query{})
		if err != nil {
			return ReviewItem{}, nil, err
		}
		for _, g := range ro.Guests {
			if g.UserID != rv.Items[idx].UserID {
				continue
			}
			for _, m := range teamsOf(g) {
				c, err := plan(ctx, db, ro, now, ActRemove, m.TeamID, "", g.UserID, "review: "+why)
				if errors.Is(err, ErrPlanned) {
					continue
				}
				if err != nil {
					return ReviewItem{}, nil, err
				}
				planned = append(planned, c)
			}
		}
	}
	it := &rv.Items[idx]
	it.Decision, it.Why, it.Decided, it.DecidedBy = decision, why, now, by
	if err := db.PutSetting(ctx, ReviewSetting, rv); err != nil {
		return ReviewItem{}, nil, fmt.Errorf("store the review: %w", err)
	}
	return *it, planned, nil
}

// FinishReview ends the review in progress and returns it.
func FinishReview(ctx context.Context, db SettingsStore) (Review, error) {
	rv, err := CurrentReview(ctx, db)
	if err != nil {
		return Review{}, err
	}
	if err := db.PutSetting(ctx, ReviewSetting, Review{}); err != nil {
		return Review{}, fmt.Errorf("store the review: %w", err)
	}
	return rv, nil
}

// ReviewDue says whether a quarterly review is due (none started in the
// last ReviewMonths) and from when.
func ReviewDue(ctx context.Context, db SettingsStore, now time.Time) (bool, time.Time, error) {
	var last time.Time
	if err := db.Setting(ctx, LastReviewSetting, &last); err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return true, time.Time{}, nil
		}
		return false, time.Time{}, fmt.Errorf("read the last review: %w", err)
	}
	due := last.AddDate(0, ReviewMonths, 0)
	return !now.Before(due), due, nil
}

// CSVCell makes a cell safe to open in a spreadsheet: a cell starting
// with = + - @, a tab or a carriage return is prefixed with ' so it is
// never read as a formula (OWASP's CSV injection advice).
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportCSV writes the review as CSV (UTF-8 with a BOM, so spreadsheet
// programs read it as UTF-8), every cell escaped by CSVCell.
func ExportCSV(w io.Writer, rv Review) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	rows := [][]string{{"name", "email", "account", "state", "teams", "evidence", "recommendation", "reasons", "decision", "justification", "decided", "decided by"}}
	for _, it := range rv.Items {
		dec := ""
		if !it.Decided.IsZero() {
			dec = it.Decided.UTC().Format(time.RFC3339)
		}
		rows = append(rows, []string{it.Name, it.Email, it.AccountName, it.State, strings.Join(it.Teams, "; "), strings.Join(it.Evidence, "; "),
			it.Recommendation, strings.Join(it.Reasons, "; "), it.Decision, it.Why, dec, it.DecidedBy})
	}
	for _, r := range rows {
		for i := range r {
			r[i] = CSVCell(r[i])
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// reportCSP forbids everything: the report has no script, no style
// sheet, no image and no remote reference.
const reportCSP = "default-src 'none'; base-uri 'none'; form-action 'none'"

var reportTmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="referrer" content="no-referrer">
<title>Guest access review {{.Scope}} {{.Started}}</title>
</head>
<body>
<h1>Guest access review: {{.Scope}}</h1>
<p>Started {{.Started}} by {{.By}}. {{.Decided}} of {{.Total}} decided.</p>
<table>
<thead><tr><th>Guest</th><th>E-mail</th><th>Account</th><th>State</th><th>Teams</th><th>Evidence</th><th>Recommendation</th><th>Decision</th><th>Justification</th><th>Decided</th></tr></thead>
<tbody>
{{range .Items}}<tr><td>{{.Name}}</td><td>{{.Email}}</td><td>{{.AccountName}}</td><td>{{.State}}</td><td>{{range .Teams}}{{.}}<br>{{end}}</td><td>{{range .Evidence}}{{.}}<br>{{end}}</td><td>{{.Recommendation}}{{range .Reasons}}<br>{{.}}{{end}}</td><td>{{.Decision}}</td><td>{{.Why}}</td><td>{{if not .Decided.IsZero}}{{.Decided.UTC.Format "2006-01-02 15:04 UTC"}} {{.DecidedBy}}{{end}}</td></tr>
{{end}}</tbody>
</table>
</body>
</html>
`))

// ExportHTML writes the review as one self-contained HTML file: no
// script, no style, no remote reference, a CSP that forbids them, and
// every value escaped as text.
func ExportHTML(w io.Writer, rv Review) error {
	d, n := rv.Progress()
	scope := rv.AccountName
	if scope == "" {
		scope = "all guests"
	}
	return reportTmpl.Execute(w, map[string]any{"CSP": reportCSP, "Scope": scope, "Started": rv.Started.UTC().Format("2006-01-02"), "By": rv.By,
		"Decided": d, "Total": n, "Items": rv.Items})
}
