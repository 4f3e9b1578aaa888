package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/storage/metrics"
)

// metricsArgs are `rapport metrics`' flags.
type metricsArgs struct {
	from, to, account, hours string
	set                      string // metrics settings --set FILE
	words                    []string
	json                     bool
}

// cliMetrics prints the figures the Metrics section shows: per account,
// team, conversation and week, and the unanswered waits.
func cliMetrics(cfg Config, a metricsArgs, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	switch {
	case len(a.words) == 1 && a.words[0] == "settings":
		return cliMetricsSettings(core, a, w)
	case len(a.words) > 0:
		return fmt.Errorf("%w: rapport metrics [settings [--set FILE]], not %q", errInvalid, strings.Join(a.words, " "))
	case a.set != "":
		return fmt.Errorf("%w: --set goes with rapport metrics settings", errInvalid)
	}
	q := metrics.Query{From: a.from, To: a.to, Hours: a.hours}
	if a.account != "" {
		accounts, err := core.Metrics.Accounts()
		if err != nil {
			return err
		}
		if q.Account, err = findAccount(accounts, a.account); err != nil {
			return cliRecordError(w, a.json, err)
		}
	}
	r, err := core.Metrics.Report(q)
	if err != nil {
		return cliRecordError(w, a.json, err)
	}
	if a.json {
		return printJSON(w, r)
	}
	writeReport(w, r)
	return nil
}

// cliMetricsSettings prints the metrics settings, after storing those of
// a JSON file with --set (Go checks them as when the UI saves them).
func cliMetricsSettings(core *Core, a metricsArgs, w io.Writer) error {
	set, err := core.Metrics.Settings()
	if a.set != "" {
		var b []byte
		if b, err = os.ReadFile(a.set); err != nil {
			return fmt.Errorf("metrics settings: %w", err)
		}
		var in metrics.Settings
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return cliRecordError(w, a.json, fmt.Errorf("%w: %s: %v", metrics.ErrInvalid, a.set, err))
		}
		set, err = core.Metrics.SetSettings(in)
	}
	if err != nil {
		return cliRecordError(w, a.json, err)
	}
	if a.json {
		return printJSON(w, set)
	}
	for _, h := range set.Hours {
		from := or(h.From, "the start")
		fmt.Fprintf(w, "working hours from %s: days %v, %s–%s, zone %s", from, h.Days, h.Start, h.End, or(h.Zone, "this computer's"))
		if len(h.Holidays) > 0 {
			fmt.Fprintf(w, ", holidays %s", strings.Join(h.Holidays, " "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "target: %d minutes\nquiet after: %d days\nresolved tag: %s\nunresolved tag: %s\n", set.TargetMinutes, set.QuietDays, set.ResolvedTag, set.UnresolvedTag)
	domains := slices.Sorted(maps.Keys(set.Domains))
	for _, d := range domains {
		fmt.Fprintf(w, "domain %s → account %s\n", d, set.Domains[d])
	}
	return nil
}

// findAccount finds an account by id or name: equal (ignoring case) wins,
// else the one account whose name contains the text.
func findAccount(accounts []metrics.Account, text string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(text))
	var equal, contains []metrics.Account
	for _, a := range accounts {
		name := strings.ToLower(a.Name)
		switch {
		case strings.EqualFold(a.ID, t) || name == t:
			equal = append(equal, a)
		case strings.Contains(name, t):
			contains = append(contains, a)
		}
	}
	found := equal
	if len(found) == 0 {
		found = contains
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%w: no account is named %q", errNotFoundAccount, text)
	case 1:
		return found[0].ID, nil
	}
	var names []string
	for _, a := range found {
		names = append(names, fmt.Sprintf("%s (%s)", a.Name, a.ID))
	}
	return "", fmt.Errorf("%w: %d accounts match %q: %s; give more of the name or the id", links.ErrAmbiguous, len(found), text, strings.Join(names, ", "))
}

// writeReport prints a report for a terminal.
func writeReport(w io.Writer, r metrics.Report) {
	period := "all time"
	if r.Query.From != "" || r.Query.To != "" {
		period = fmt.Sprintf("%s to %s", or(r.Query.From, "the start"), or(r.Query.To, "now"))
	}
	clock := "working hours"
	if r.Query.Hours == metrics.HoursWall {
		clock = "wall time (24x7)"
	}
	fmt.Fprintf(w, "%s, %s, days in %s; target %s\n\n", period, clock, r.Zone, dur(r.TargetSeconds))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\twaits\tanswered\tmedian\tp90\twithin target\tmessages\tcustomers\tthreads resolved/unresolved\tcases resolved/opened")
	row := func(label string, g metrics.Group) {
		within := "-"
		if g.WithinTarget != nil {
			within = fmt.Sprintf("%.0f%%", *g.WithinTarget*100)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%d\t%d/%d\t%d/%d\n", label, g.Waits, g.Answered, durp(g.MedianSeconds), durp(g.P90Seconds), within, g.Messages, g.ActiveCustomers,
			g.ThreadsResolved, g.ThreadsUnresolved, g.CasesResolved, g.CasesOpened)
	}
	row("total", r.Total)
	for _, g := range r.Accounts {
		label := "account " + or(g.Name, "(no account)")
		if g.Quiet {
			label += " (quiet)"
		}
		row(label, g)
	}
	for _, g := range r.Teams {
		row("team "+g.Name, g)
	}
	for _, g := range r.Conversations {
		row(g.Kind+" "+or(g.Name, g.ID), g)
	}
	for _, g := range r.Weeks {
		row("week "+g.ID, g)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nunanswered: %d, oldest first\n", len(r.Unanswered))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, u := range r.Unanswered {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\n", u.Start.Local().Format("2006-01-02 15:04"), dur(u.Seconds), u.Customer, or(u.Name, u.Conversation), u.Conversation, u.Message)
	}
	tw.Flush()
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func dur(secs int64) string { return (time.Duration(secs) * time.Second).String() }

func durp(secs *int64) string {
	if secs == nil {
		return "-"
	}
	return dur(*secs)
}

// metricsHoursDefault is --hours' default: the working hours of Settings.
const metricsHoursDefault = metrics.HoursSettings
