package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/sync/auth"
)

// guestsArgs are the flags of rapport guests and rapport review.
type guestsArgs struct {
	account, team, csv, why, out string
	inactive                     int
	yes                          bool
}

const guestsUsage = "guests [--json] [--account NAME] [--team NAME] [--inactive DAYS] | guests plan remove|owner|member|add-channel|remove-channel TEAM[/CHANNEL] USER | " +
	"guests plan restrict TEAM | guests plan settings TEAM KEY=on|off[,…] (KEY: memberSettings.allowCreateUpdateChannels, …, guestSettings.allowDeleteChannels) | " +
	"guests invite --csv FILE [--dry-run] | guests changes [list | discard N | apply [--yes]] | guests audit"

const reviewUsage = "review [--json] start [--account NAME] | status | decide USER approve|deny|dontknow --why TEXT | export --out FILE.csv|FILE.html | finish"

// guestsFlags registers the flags of guests and review.
func guestsFlags(fset *flag.FlagSet) *guestsArgs {
	a := &guestsArgs{}
	fset.StringVar(&a.account, "account", "", "guests, review start: only this CRM account (name or id)")
	fset.StringVar(&a.team, "team", "", "guests: only this team (name or id)")
	fset.IntVar(&a.inactive, "inactive", 0, "guests: inactive after this many days (default: the setting, 90)")
	fset.StringVar(&a.csv, "csv", "", "guests invite: the invitation file (Entra's bulk-invite template or email,name,team[,channel][,message])")
	fset.StringVar(&a.why, "why", "", "review decide: the justification")
	fset.StringVar(&a.out, "out", "", "review export: the file to write (.csv or .html)")
	fset.BoolVar(&a.yes, "yes", false, "guests changes apply: confirm a change set over the cap")
	return a
}

func cliGuests(ctx context.Context, cfg Config, words []string, a *guestsArgs, dryRun, asJSON bool, version string, stdout, stderr io.Writer) error {
	core := newCore(cfg, ModeCLI, version, slog.New(slog.DiscardHandler))
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	now := time.Now()
	me, _ := db.Me(ctx)
	out := func(v any, text func(w *tabwriter.Writer)) error {
		if asJSON {
			return json.NewEncoder(stdout).Encode(v)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		text(tw)
		return tw.Flush()
	}
	verb := ""
	if len(words) > 0 {
		verb, words = words[0], words[1:]
	}
	switch verb {
	case "":
		r, err := guests.Read(ctx, db, now, guests.Query{Account: a.account, Team: a.team, InactiveDays: a.inactive})
		if err != nil {
			return err
		}
		return out(r, func(w *tabwriter.Writer) { printRoster(w, r) })
	case "plan":
		var c guests.Change
		var err error
		switch {
		case len(words) == 2 && words[0] == guests.ActRestrict:
			c, err = guests.Plan(ctx, db, now, guests.ActRestrict, words[1], "", "", "")
		case len(words) >= 3 && words[0] == guests.ActSettings:
			var set storage.TeamSettings
			if set, err = guests.ParseSettings(words[2:]); err == nil {
				c, err = guests.PlanSettings(ctx, db, now, words[1], set, "")
			}
		case len(words) == 3:
			c, err = planCLI(ctx, db, now, words[0], words[1], words[2])
		default:
			return fmt.Errorf("%w: rapport %s", errInvalid, guestsUsage)
		}
		if err != nil {
			return err
		}
		return out(c, func(w *tabwriter.Writer) {
			fmt.Fprintf(w, "planned: %s (%s → %s)\n", c.Describe(), orDash(c.Before), orDash(c.After))
		})
	case "invite":
		if a.csv == "" || len(words) != 0 {
			return fmt.Errorf("%w: rapport guests invite --csv FILE [--dry-run]", errInvalid)
		}
		fh, err := os.Open(a.csv)
		if err != nil {
			return fmt.Errorf("%w: %w", errInvalid, err)
		}
		defer fh.Close()
		res, err := guests.ImportInvites(ctx, db, now, fh, dryRun)
		if errors.Is(err, guests.ErrInviteFile) {
			return fmt.Errorf("%w: %s: %w", errInvalid, a.csv, err)
		}
		if err != nil {
			return err
		}
		return out(res, func(w *tabwriter.Writer) {
			fmt.Fprintf(w, "%s file, %d rows, %d valid\n", res.Format, len(res.Rows), res.Valid)
			for _, r := range res.Rows {
				if len(r.Errors) > 0 {
					fmt.Fprintf(w, "line %d\t%s\t%s\n", r.Line, r.Email, strings.Join(r.Errors, ", "))
				}
			}
			if !dryRun {
				fmt.Fprintf(w, "%d invitations planned: rapport guests changes apply sends them\n", len(res.Planned))
			}
		})
	case "changes":
		sub := "list"
		if len(words) > 0 {
			sub, words = words[0], words[1:]
		}
		switch {
		case sub == "list" && len(words) == 0:
			cs, err := guests.Changes(ctx, db)
			if err != nil {
				return err
			}
			return out(cs, func(w *tabwriter.Writer) {
				for i, c := range cs {
					fmt.Fprintf(w, "%d\t%s\t%s → %s\t%s\n", i+1, c.Describe(), orDash(c.Before), orDash(c.After), c.Reason)
				}
			})
		case sub == "discard" && len(words) == 1:
			n, err := strconv.Atoi(words[0])
			if err != nil {
				return fmt.Errorf("%w: change number %q", errInvalid, words[0])
			}
			c, err := guests.Discard(ctx, db, n)
			if err != nil {
				return err
			}
			return out(c, func(w *tabwriter.Writer) { fmt.Fprintf(w, "discarded: %s\n", c.Describe()) })
		case sub == "apply" && len(words) == 0:
			ops, err := guests.Apply(ctx, db, me, a.yes, now)
			if errors.Is(err, guests.ErrCap) {
				return fmt.Errorf("%w (add --yes)", err)
			}
			if err != nil {
				return err
			}
			// The first apply asks for the write permissions (incremental
			// consent); the sign-in asked for none of them.
			if core.needsConsent(ctx) {
				fmt.Fprintln(stderr, "Rapport needs your permission to change team members and invite guests (asked once).")
				if err := core.askConsent(ctx, func(dc auth.DeviceCode) { fmt.Fprintf(stderr, "Grant permission: %s\n", dc.Message) }); err != nil {
					return fmt.Errorf("the changes are queued, but the permission was not granted: %w", err)
				}
			}
			return out(ops, func(w *tabwriter.Writer) {
				fmt.Fprintf(w, "%d changes queued; the next sync applies them (rapport outbox shows them)\n", len(ops))
			})
		}
		return fmt.Errorf("%w: rapport %s", errInvalid, guestsUsage)
	case "audit":
		es, err := guests.Audit(ctx, db)
		if err != nil {
			return err
		}
		return out(es, func(w *tabwriter.Writer) {
			for _, e := range es {
				fmt.Fprintf(w, "#%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.When.Local().Format("2006-01-02 15:04"), e.Who, e.What, e.Result, e.Error)
			}
		})
	}
	return fmt.Errorf("%w: rapport %s", errInvalid, guestsUsage)
}

// planCLI plans a change on TEAM or TEAM/CHANNEL (a team whose name holds
// a slash is found whole).
func planCLI(ctx context.Context, db *storage.DB, now time.Time, action, where, user string) (guests.Change, error) {
	team, channel := where, ""
	if i := strings.LastIndexByte(where, '/'); i > 0 && (action == guests.ActAddChannel || action == guests.ActRemoveChannel || strings.Contains(where, "/")) {
		team, channel = strings.TrimSpace(where[:i]), strings.TrimSpace(where[i+1:])
	}
	c, err := guests.Plan(ctx, db, now, action, team, channel, user, "")
	if errors.Is(err, guests.ErrNotFound) && channel != "" && action != guests.ActAddChannel && action != guests.ActRemoveChannel {
		return guests.Plan(ctx, db, now, action, where, "", user, "")
	}
	return c, err
}

func printRoster(w *tabwriter.Writer, r guests.Roster) {
	if !r.SignInAvailable {
		fmt.Fprintln(w, "sign-in activity: not available (the tenant needs Entra ID P1/P2 and AuditLog.Read.All)")
	}
	for _, c := range r.Containers {
		name := c.Team
		if c.Private {
			name += " / " + c.Channel + " (private)"
		}
		fmt.Fprintf(w, "%s\t%s\n", name, c.AccountName)
		for _, p := range c.People {
			since := "-"
			if p.Since != nil {
				since = "since " + p.Since.Local().Format("2006-01-02")
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", p.Name, p.Email, p.Role, p.State, since)
		}
	}
	fmt.Fprintln(w)
	for _, rec := range r.Recommendations {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", rec.Kind, rec.Name, rec.Reason, strings.Join(rec.Evidence, "; "))
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func cliReview(ctx context.Context, cfg Config, words []string, a *guestsArgs, asJSON bool, version string, stdout io.Writer) error {
	core := newCore(cfg, ModeCLI, version, slog.New(slog.DiscardHandler))
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	now := time.Now()
	me, _ := db.Me(ctx)
	verb := "status"
	if len(words) > 0 {
		verb, words = words[0], words[1:]
	}
	print := func(v any, text string) error {
		if asJSON {
			return json.NewEncoder(stdout).Encode(v)
		}
		_, err := fmt.Fprintln(stdout, text)
		return err
	}
	switch {
	case verb == "start" && len(words) == 0:
		rv, err := guests.StartReview(ctx, db, now, a.account, me)
		if err != nil {
			return err
		}
		return print(rv, fmt.Sprintf("review started: %d guests", len(rv.Items)))
	case verb == "status" && len(words) == 0:
		st, err := guests.Status(ctx, db, now)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("no review in progress; due: %v", st.Due)
		if st.Review != nil {
			text = fmt.Sprintf("review in progress: %d of %d decided", st.Decided, st.Total)
		}
		return print(st, text)
	case verb == "decide" && len(words) == 2:
		it, planned, err := guests.Decide(ctx, db, now, words[0], words[1], a.why, me)
		if err != nil {
			return err
		}
		return print(struct {
			Item    guests.ReviewItem `json:"item"`
			Planned []guests.Change   `json:"planned"`
		}{it, planned}, fmt.Sprintf("%s: %s (%d changes planned)", it.Name, it.Decision, len(planned)))
	case verb == "export" && len(words) == 0 && a.out != "":
		rv, err := guests.CurrentReview(ctx, db)
		if err != nil {
			return err
		}
		fh, err := os.Create(a.out)
		if err != nil {
			return err
		}
		if strings.HasSuffix(strings.ToLower(a.out), ".html") {
			err = guests.ExportHTML(fh, rv)
		} else {
			err = guests.ExportCSV(fh, rv)
		}
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		return print(map[string]string{"out": a.out}, "written: "+a.out)
	case verb == "finish" && len(words) == 0:
		rv, err := guests.FinishReview(ctx, db)
		if err != nil {
			return err
		}
		d, n := rv.Progress()
		return print(rv, fmt.Sprintf("review finished: %d of %d decided", d, n))
	}
	return fmt.Errorf("%w: rapport %s", errInvalid, reviewUsage)
}
