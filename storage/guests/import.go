package guests

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Import is an invitation file read, its rows checked against the
// roster, and (unless a dry run) its valid rows planned.
type Import struct {
	InviteFile
	Valid   int      `json:"valid"`
	DryRun  bool     `json:"dryRun"`
	Planned []Change `json:"planned"`
}

// ImportInvites reads an invitation file (ParseInvites), checks each row
// (CheckInvites) and, unless dryRun, adds the valid rows to the change
// set (PlanInvites). Nothing is sent: Apply queues the change set, with
// its cap.
func ImportInvites(ctx context.Context, db Store, now time.Time, r io.Reader, dryRun bool) (Import, error) {
	f, err := ParseInvites(r)
	if err != nil {
		return Import{}, err
	}
	ok, err := CheckInvites(ctx, db, now, &f)
	if err != nil {
		return Import{}, err
	}
	out := Import{InviteFile: f, Valid: ok, DryRun: dryRun, Planned: []Change{}}
	if dryRun || ok == 0 {
		return out, nil
	}
	if out.Planned, err = PlanInvites(ctx, db, now, f); err != nil {
		return Import{}, fmt.Errorf("plan invitations: %w", err)
	}
	return out, nil
}

// ReviewStatus is whether a review is due and the review in progress.
type ReviewStatus struct {
	Due     bool      `json:"due"`
	DueAt   time.Time `json:"dueAt,omitzero"`
	Review  *Review   `json:"review,omitempty"`
	Decided int       `json:"decided"`
	Total   int       `json:"total"`
}

// Status says whether a quarterly review is due and how far the one in
// progress (if any) is.
func Status(ctx context.Context, db SettingsStore, now time.Time) (ReviewStatus, error) {
	due, at, err := ReviewDue(ctx, db, now)
	if err != nil {
		return ReviewStatus{}, err
	}
	st := ReviewStatus{Due: due, DueAt: at}
	rv, err := CurrentReview(ctx, db)
	switch {
	case err == nil:
		st.Review = &rv
		st.Decided, st.Total = rv.Progress()
	case !errors.Is(err, ErrNoReview):
		return ReviewStatus{}, err
	}
	return st, nil
}
