package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/sync/engine"
)

// Guests is the guest-permissions service the UI calls (roster,
// recommendations, change set, invitations, reviews): an adapter over
// storage/guests, which holds the rules. It is safe for concurrent use.
type Guests struct{ c *Core }

// guestsCall runs f on the store with the signed-in user's id ("" before
// the first sync).
func guestsCall[T any](s *Guests, f func(ctx context.Context, db *storage.DB, me string) (T, error)) (T, error) {
	db, err := s.c.store()
	if err != nil {
		var zero T
		return zero, err
	}
	me, _ := db.Me(s.c.ctx)
	return f(s.c.ctx, db, me)
}

// Roster is the console: teams and private channels with their people
// and the changes each may get, guests by account with their evidence,
// and the recommendations. account and team narrow it ("" all);
// inactive > 0 overrides the inactivity setting.
func (s *Guests) Roster(account, team string, inactive int) (guests.Roster, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.Roster, error) {
		return guests.Read(ctx, db, time.Now(), guests.Query{Account: account, Team: team, InactiveDays: inactive})
	})
}

// Plan adds a change to the change set (team and channel: ids or names;
// user: an id or an e-mail) and returns it with its preview.
func (s *Guests) Plan(action, team, channel, user, reason string) (guests.Change, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.Change, error) {
		return guests.Plan(ctx, db, time.Now(), action, team, channel, user, reason)
	})
}

// PlanSettings adds a change of a team's member or guest settings
// (storage.TeamSettingKeys → value).
func (s *Guests) PlanSettings(team string, settings storage.TeamSettings, reason string) (guests.Change, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.Change, error) {
		return guests.PlanSettings(ctx, db, time.Now(), team, settings, reason)
	})
}

// Changes is the change set, in plan order.
func (s *Guests) Changes() ([]guests.Change, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) ([]guests.Change, error) {
		return guests.Changes(ctx, db)
	})
}

// Discard drops change n (1-based, as Changes lists them).
func (s *Guests) Discard(n int) (guests.Change, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.Change, error) {
		return guests.Discard(ctx, db, n)
	})
}

// GuestsApplied is what applying the change set did.
type GuestsApplied struct {
	Queued int `json:"queued"`
	// NeedsConsent says the user must grant the write permissions
	// (Guests.Consent) before sync can apply the changes: asked at the
	// first apply, never at sign-in.
	NeedsConsent bool `json:"needsConsent"`
}

// Apply queues the change set in the outbox; more changes than the cap
// need confirm (code confirm_required otherwise). With the permissions
// granted a sync round starts at once.
func (s *Guests) Apply(confirm bool) (GuestsApplied, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, me string) (GuestsApplied, error) {
		ops, err := guests.Apply(ctx, db, me, confirm, time.Now())
		if err != nil {
			return GuestsApplied{}, err
		}
		res := GuestsApplied{Queued: len(ops), NeedsConsent: s.c.needsConsent(ctx)}
		if !res.NeedsConsent && !s.c.readOnly() {
			if _, err := s.c.connect(); err == nil {
				s.c.startRound(engine.RoundOptions{}, nil)
			}
		}
		return res, nil
	})
}

// Consent asks the user, by device code, for the write permissions
// membership changes need; a sync round follows the grant.
func (s *Guests) Consent() (DeviceCodeDTO, error) { return s.c.signInDevice(guestChangeScopes) }

// ConsentBrowser asks for the same permissions through the browser.
func (s *Guests) ConsentBrowser() (string, error) { return s.c.signInBrowser(guestChangeScopes) }

// Audit is the log of membership changes sent or waiting: who, what,
// when, the result.
func (s *Guests) Audit() ([]guests.AuditEntry, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) ([]guests.AuditEntry, error) {
		return guests.Audit(ctx, db)
	})
}

// Import checks an invitation file's text row by row and, unless dryRun,
// adds its valid rows to the change set.
func (s *Guests) Import(text string, dryRun bool) (guests.Import, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.Import, error) {
		r, err := guests.ImportInvites(ctx, db, time.Now(), strings.NewReader(text), dryRun)
		if err != nil {
			return guests.Import{}, fmt.Errorf("%w: %w", errInvalid, err)
		}
		return r, nil
	})
}

// MapDomain maps an e-mail domain to a CRM account ("" to no customer),
// for the guest console and the client metrics alike (storage/accounts).
func (s *Guests) MapDomain(domain, accountID string) error {
	_, err := guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (struct{}, error) {
		return struct{}{}, accounts.MapDomain(ctx, db, domain, accountID)
	})
	return err
}

// ReviewStatus says whether a quarterly review is due and how far the
// one in progress is.
func (s *Guests) ReviewStatus() (guests.ReviewStatus, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.ReviewStatus, error) {
		return guests.Status(ctx, db, time.Now())
	})
}

// StartReview starts a review of an account's guests ("" every guest).
func (s *Guests) StartReview(account string) (guests.Review, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, me string) (guests.Review, error) {
		return guests.StartReview(ctx, db, time.Now(), account, me)
	})
}

// GuestsDecision is a decision recorded, with the changes a deny planned.
type GuestsDecision struct {
	Item    guests.ReviewItem `json:"item"`
	Planned []guests.Change   `json:"planned"`
}

// Decide records approve, deny or dontknow for a guest with its
// justification; a deny plans the guest's removals.
func (s *Guests) Decide(user, decision, why string) (GuestsDecision, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, me string) (GuestsDecision, error) {
		it, planned, err := guests.Decide(ctx, db, time.Now(), user, decision, why, me)
		if planned == nil {
			planned = []guests.Change{}
		}
		return GuestsDecision{Item: it, Planned: planned}, err
	})
}

// FinishReview ends the review in progress.
func (s *Guests) FinishReview() (guests.Review, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (guests.Review, error) {
		return guests.FinishReview(ctx, db)
	})
}

// ExportReview is the review in progress as evidence: "csv" (formula
// injection escaped) or "html" (a self-contained report).
func (s *Guests) ExportReview(format string) (string, error) {
	return guestsCall(s, func(ctx context.Context, db *storage.DB, _ string) (string, error) {
		rv, err := guests.CurrentReview(ctx, db)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		switch format {
		case "csv":
			err = guests.ExportCSV(&b, rv)
		case "html":
			err = guests.ExportHTML(&b, rv)
		default:
			return "", fmt.Errorf("%w: export format %q (csv or html)", errInvalid, format)
		}
		return b.String(), err
	})
}
