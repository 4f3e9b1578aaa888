package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/rapport-app/rapport/storage"
)

const usage = `Rapport keeps your Teams customer conversations and Dynamics 365 records on your laptop.

Usage:
  rapport [flags]                 open the Rapport window
  rapport serve [--addr A] [flags] browser mode: serve the UI on 127.0.0.1 and print its URL
  rapport demo [--size S]         run on a simulated tenant: start it, sign in, sync, open the UI
  rapport sync [--full]           sign in if needed (device code) and sync now
  rapport status [--json]         what the store holds and when each source last synced
  rapport search [--json] [--sort date] [--limit N] QUERY [-- -word …]
                                  search the local index (same syntax and results as the app)
  rapport link [--json] CHAT-ID RECORD
                                  link a chat to a CRM record (offline; pushed on the next sync);
                                  thread/CHANNEL-ID/ROOT-ID or message/CONV-ID/MSG-ID: kept in Rapport.
                                  RECORD: a case number (CAS-01234-ABCDE), an account or contact
                                  name or e-mail, an opportunity name, an id, or SET:ID (incidents:…);
                                  exact matches first, else the one record containing it; several
                                  are listed and nothing is done. CHAT-ID SET RECORD-ID still works
  rapport unlink [--json] CHAT-ID RECORD
                                  RECORD among the chat's links
  rapport join [--json] CHAT-ID RECORD
                                  ask to be added to a chat linked to a record you are not in
  rapport case [--json] create --from MESSAGES --title T --customer ACCOUNT-OR-CONTACT [--priority P]
                                  make a case from messages, linked to their chat (offline; pushed
                                  on the next sync). MESSAGES: message/CONV/MSG, thread/CHANNEL/ROOT
                                  or range/CONV/FIRST/LAST; P: high, normal or low
  rapport task [--json] add --record RECORD --subject S [--due DATE] [--priority P] [--from MESSAGES]
                                  a follow-up task regarding a record (RECORD as for link;
                                  a case made in Rapport by incidents:ID); DATE: YYYY-MM-DD
  rapport task [--json] list      your follow-ups, open ones first
  rapport note [--json] add --record RECORD --from MESSAGES [--title T] [--file]
                                  a note holding messages (--file: as an attached Markdown file)
  rapport outbox [--json] [list | retry N | discard N]
                                  edits waiting for Dynamics 365, failed ones and conflicts
  rapport tag [--json] [--dry-run] +TAG… -TAG… QUERY
                                  tag and untag every message a search finds (search syntax),
                                  in one transaction: all of it or nothing; kept for undo
  rapport tags [--json] [--dry-run] [list | rename OLD NEW | merge FROM INTO | delete TAG |
               alias TAG ALIAS | unalias ALIAS | color TAG COLOR | undo | dump | restore FILE]
                                  your tags (hashtags apart); --dry-run counts what a change touches;
                                  dump prints a plain, diffable text file that restore reads
  rapport metrics [--json] [--from DATE] [--to DATE] [--account NAME] [--hours 24x7|settings]
                                  response times to customers (per account, team, conversation,
                                  week: waits, answered, median, p90, within target), activity,
                                  cases, and the customers waiting now, oldest first
  rapport guests [--json] [--account NAME] [--team NAME] [--inactive DAYS]
                                  guest permissions: teams and private channels with owners,
                                  members and guests, evidence and recommendations;
                                  guests plan remove|owner|member|add-channel|remove-channel
                                  TEAM[/CHANNEL] USER, guests changes [list|discard N|apply
                                  [--yes]], guests audit, guests invite --csv FILE --dry-run
  rapport review [--json] start [--account NAME] | status | decide USER approve|deny|dontknow
                                  --why TEXT | export --out FILE.csv|FILE.html | finish
                                  the quarterly guest access review
  rapport digest [--json] --week YYYY-Www [--account NAME] [--lang L] --out DIR
                                  a week's digests (per account and an overview) as Markdown and
                                  self-contained HTML; prints the files written
  rapport publish [--json] digest --week YYYY-Www --channel TEAM/CHANNEL [--lang L]
                                  queue the week's summary as a post in a channel (once, however
                                  often asked); the next sync posts it
  rapport best [--json] [add|edit --topic T [--reason R] TARGET | remove TARGET | list [--month YYYY-MM] [--topic T]]
                                  best conversations; TARGET: message/CONV/MSG, thread/CHANNEL/ROOT
                                  or range/CONV/FIRST/LAST; a topic's aliases are the same topic
  rapport faq [--json] [add --from TARGET [--question Q] [--answer A] [--tags A,B] | list | show ID | delete ID]
                                  FAQ entries drafted from conversations (show: redacted, as published)
  rapport archive [--json] --month YYYY-MM [--account NAME | --team NAME] [--lang L] --out DIR
                                  the month's best conversations and FAQ by topic, with an index:
                                  Markdown and one self-contained HTML file, redacted; prints the files
  rapport signout                 forget the account and delete its tokens (the store stays)
  rapport tenantsim [flags]       run the simulated Microsoft 365 tenant (see --help)
  rapport version                 print version information

The Microsoft 365 connection is kept in Settings (the app's Settings screen);
--cloud, --authority-url, --graph-url, --dataverse-url, --tenant and --client-id
override it field by field.

Flags (each also read from RAPPORT_<NAME> in the environment):
`

// Main runs the command line and returns the process exit code. assets is
// the built frontend (the contents of frontend/dist).
func Main(args []string, assets fs.FS, version string, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cmd := "window"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	if cmd == "tenantsim" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runTenantsim(ctx, args, stdout, stderr)
	}
	var cfg Config
	fset := newFlagSet(&cfg)
	fset.Init("rapport "+cmd, flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, usage)
		fset.PrintDefaults()
	}
	addr := "127.0.0.1:0"
	if cmd == "serve" || cmd == "demo" {
		fset.StringVar(&addr, "addr", addr, "browser mode: loopback address to listen on")
	}
	full := fset.Bool("full", false, "sync: fetch every chat, not only those with new activity")
	asJSON := fset.Bool("json", false, "status, search, link, unlink, join, outbox, tag, tags, case, task, note, metrics: print JSON")
	dryRun := fset.Bool("dry-run", false, "tag, tags: say how many items a change touches, change nothing")
	sortBy := fset.String("sort", "relevance", "search: relevance or date (newest first)")
	limit := fset.Int("limit", 20, "search: how many hits to print (1–200)")
	demoSize := fset.String("size", "medium", "demo: size of the simulated tenant (small, medium, large or a message count)")
	demoBrowser := fset.Bool("browser", false, "demo: browser mode even when a display is available")
	if cmd == "window" || cmd == "serve" || cmd == "demo" {
		fset.StringVar(&cfg.OpenSearch, "search", "", "window, serve, demo: open at search with this query")
	}
	var capt captureArgs
	if cmd == "case" || cmd == "task" || cmd == "note" {
		fset.StringVar(&capt.from, "from", "", "case, task, note: the messages (message/CONV/MSG, thread/CHANNEL/ROOT, range/CONV/FIRST/LAST)")
		fset.StringVar(&capt.title, "title", "", "case, note: its title")
		fset.StringVar(&capt.customer, "customer", "", "case: its customer, an account or a contact")
		fset.StringVar(&capt.priority, "priority", "", "case, task: high, normal or low")
		fset.StringVar(&capt.record, "record", "", "task, note: the record it is for")
		fset.StringVar(&capt.subject, "subject", "", "task: its subject")
		fset.StringVar(&capt.due, "due", "", "task: its due date, YYYY-MM-DD")
		fset.BoolVar(&capt.file, "file", false, "note: attach the messages as a Markdown file")
	}
	var ma metricsArgs
	if cmd == "metrics" {
		fset.StringVar(&ma.from, "from", "", "metrics: first day of the period, YYYY-MM-DD")
		fset.StringVar(&ma.to, "to", "", "metrics: last day of the period, YYYY-MM-DD")
		fset.StringVar(&ma.account, "account", "", "metrics: only this CRM account (name or id)")
		fset.StringVar(&ma.hours, "hours", metricsHoursDefault, "metrics: clock, settings (working hours) or 24x7 (wall time)")
		fset.StringVar(&ma.set, "set", "", "metrics settings: store the settings in this JSON file (as --json prints them)")
	}
	var ga *guestsArgs
	if cmd == "guests" || cmd == "review" {
		ga = guestsFlags(fset)
	}
	var da digestArgs
	if cmd == "digest" || cmd == "publish" {
		fset.StringVar(&da.week, "week", "", "digest, publish digest: the ISO week, YYYY-Www")
		fset.StringVar(&da.month, "month", "", "publish archive: the month, YYYY-MM")
		fset.StringVar(&da.account, "account", "", "digest: only this CRM account (name or id)")
		fset.StringVar(&da.out, "out", "", "digest: the directory to write the files into")
		fset.StringVar(&da.channel, "channel", "", "publish: the channel, TEAM/CHANNEL (names or ids)")
		fset.StringVar(&da.lang, "lang", "", "digest, publish: zh-CN, en or fr (default: the system's language)")
	}
	kn := knowledgeFlags(fset, cmd)
	switch cmd {
	case "window", "serve", "version", "sync", "status", "demo", "signout", "search", "link", "unlink", "join", "outbox", "case", "task", "note", "tag", "tags", "metrics", "digest", "publish",
		"best", "faq", "archive", "guests", "review":
	case "help":
		fset.Usage()
		return 0
	default:
		fmt.Fprintf(stderr, "rapport: unknown command %q\n\n", cmd)
		fset.Usage()
		return 2
	}
	// search, link, unlink, join, outbox: positional words, with flags allowed
	// before and after them;
	// everything after "--" is query (for words starting with "-").
	var words, tail []string
	var tagOps tagArgs
	if cmd == "tag" { // +TAG and -TAG are not flags
		args, tagOps = splitTagArgs(fset, args)
	}
	positional := slices.Contains([]string{"search", "link", "unlink", "join", "outbox", "case", "task", "note", "tags", "metrics", "digest", "publish", "best", "faq", "archive", "guests", "review"}, cmd)
	if positional {
		if i := slices.Index(args, "--"); i >= 0 {
			args, tail = args[:i], args[i+1:]
		}
	}
	for {
		if err := fset.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if !positional || fset.NArg() == 0 {
			break
		}
		words = append(words, fset.Arg(0))
		args = fset.Args()[1:]
	}
	words = append(words, tail...)
	cfg.noteSources(fset)
	if cmd == "search" && len(words) == 0 {
		fmt.Fprintln(stderr, "rapport search: give a query, e.g. rapport search 'from:me 付款 after:2026-03'")
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "rapport %s: unexpected argument %q\n", cmd, fset.Arg(0))
		return 2
	}
	if cmd == "version" {
		fmt.Fprintln(stdout, versionString(version))
		return 0
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintf(stderr, "rapport: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, addr, assets, version, log, stdout, nil)
	case "window":
		err = runWindow(ctx, cfg, assets, version, log, nil)
	case "sync":
		err = cliSync(ctx, cfg, *full, version, log, stderr)
	case "status":
		err = cliStatus(ctx, cfg, *asJSON, version, log, stdout)
	case "signout":
		err = cliSignOut(cfg, version, log, stdout)
	case "link", "unlink":
		err = cliLink(cfg, words, cmd == "link", *asJSON, version, log, stdout)
	case "join":
		err = cliJoin(cfg, words, *asJSON, version, log, stdout)
	case "outbox":
		err = cliOutbox(ctx, cfg, words, *asJSON, version, log, stdout)
	case "case", "task", "note":
		capt.cmd, capt.words, capt.json = cmd, words, *asJSON
		err = cliCapture(cfg, capt, version, log, stdout)
	case "tag":
		err = cliTag(ctx, cfg, tagOps, *dryRun, *asJSON, version, stdout, stderr)
	case "tags":
		err = cliTags(ctx, cfg, words, *dryRun, *asJSON, version, stdout)
	case "metrics":
		ma.json, ma.words = *asJSON, words
		err = cliMetrics(cfg, ma, version, log, stdout)
	case "guests":
		err = cliGuests(ctx, cfg, words, ga, *dryRun, *asJSON, version, stdout, stderr)
	case "review":
		err = cliReview(ctx, cfg, words, ga, *asJSON, version, stdout)
	case "digest":
		da.json, da.words = *asJSON, words
		err = cliDigest(ctx, cfg, da, version, log, stdout)
	case "publish":
		da.json, da.words = *asJSON, words
		err = cliPublish(ctx, cfg, da, version, log, stdout)
	case "best", "faq", "archive":
		kn.words, kn.json = words, *asJSON
		err = cliKnowledge(cfg, kn, version, log, stdout)
	case "search":
		err = cliSearch(ctx, cfg, searchArgs{q: strings.Join(words, " "), sort: *sortBy, limit: *limit, json: *asJSON}, version, log, stdout, stderr)
	case "demo":
		err = runDemo(ctx, cfg, demoOptions{size: *demoSize, addr: addr, browser: *demoBrowser}, assets, version, log, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "rapport: %v\n", err)
		return 1
	}
	return 0
}

func versionString(version string) string {
	s := "rapport " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		s += " (" + bi.GoVersion
		for _, d := range bi.Deps {
			if d.Path == "github.com/wailsapp/wails/v2" {
				s += ", wails " + d.Version
			}
		}
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				s += ", commit " + kv.Value[:12]
			}
		}
		s += ")"
	}
	return fmt.Sprintf("%s, store schema %d", s, storage.SchemaVersion())
}
