package app

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport/storage/knowledge"
)

// knowledgeArgs are the flags of `rapport best`, `faq` and `archive`.
type knowledgeArgs struct {
	cmd                      string
	words                    []string
	json                     bool
	topic, reason, month     string
	from, question, answer   string
	tags                     string
	account, team, out, lang string
}

const knowledgeUsage = "best [add --topic T [--reason R] TARGET | edit --topic T [--reason R] TARGET | remove TARGET | list [--month YYYY-MM] [--topic T]], " +
	"faq [add --from TARGET [--question Q] [--tags A,B] | list [--month YYYY-MM] [--topic T] | show ID | publish ID | delete ID], " +
	"archive --month YYYY-MM [--account NAME | --team NAME] [--lang zh-CN|en|fr] --out DIR"

// knowledgeFlags registers the flags of cmd when it is best, faq or
// archive.
func knowledgeFlags(fset *flag.FlagSet, cmd string) *knowledgeArgs {
	a := &knowledgeArgs{cmd: cmd}
	switch cmd {
	case "best":
		fset.StringVar(&a.topic, "topic", "", "best: its topic (a tag; aliases are the same topic)")
		fset.StringVar(&a.reason, "reason", "", "best: why it is worth keeping")
		fset.StringVar(&a.month, "month", "", "best, faq list: only this month, YYYY-MM")
	case "faq":
		fset.StringVar(&a.from, "from", "", "faq add: the messages (message/CONV/MSG, thread/CHANNEL/ROOT, range/CONV/FIRST/LAST)")
		fset.StringVar(&a.question, "question", "", "faq add: the question (default: the first message's first line)")
		fset.StringVar(&a.answer, "answer", "", "faq add: the answer (default: the other messages' text)")
		fset.StringVar(&a.tags, "tags", "", "faq add: its tags, comma-separated; the first is its topic")
		fset.StringVar(&a.topic, "topic", "", "faq list: only this topic")
		fset.StringVar(&a.month, "month", "", "faq list: only this month, YYYY-MM")
	case "archive":
		fset.StringVar(&a.month, "month", "", "archive: the month, YYYY-MM")
		fset.StringVar(&a.account, "account", "", "archive: only this CRM account's conversations (name or id)")
		fset.StringVar(&a.team, "team", "", "archive: only this team's channels (name or id)")
		fset.StringVar(&a.out, "out", "", "archive: the folder to write the files to")
		fset.StringVar(&a.lang, "lang", "", "archive: headings' language, zh-CN, en or fr (default: the app's)")
	}
	return a
}

// cliKnowledge runs `rapport best`, `faq` and `archive`.
func cliKnowledge(cfg Config, a *knowledgeArgs, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	k := core.Knowledge
	verb := ""
	if len(a.words) > 0 {
		verb = a.words[0]
	}
	args := a.words[min(1, len(a.words)):]
	bad := fmt.Errorf("%w: rapport %s", errInvalid, knowledgeUsage)
	out := func(v any, text func(io.Writer)) error {
		if a.json {
			return printJSON(w, v)
		}
		text(w)
		return nil
	}
	fail := func(err error) error { return cliRecordError(w, a.json, err) }
	switch a.cmd + " " + verb {
	case "best add", "best edit":
		if len(args) != 1 {
			return bad
		}
		r := knowledge.BestRequest{Target: args[0], Topic: a.topic, Reason: a.reason}
		call := k.MarkBest
		if verb == "edit" {
			call = k.EditBest
		}
		b, err := call(r)
		if err != nil {
			return fail(err)
		}
		return out(b, func(w io.Writer) {
			fmt.Fprintf(w, "%s  #%s  %s  %d messages\n", b.Target, b.Topic, b.Month, len(b.Messages))
		})
	case "best remove":
		if len(args) != 1 {
			return bad
		}
		if err := k.UnmarkBest(args[0]); err != nil {
			return fail(err)
		}
		return out(map[string]string{"removed": args[0]}, func(w io.Writer) { fmt.Fprintf(w, "removed %s\n", args[0]) })
	case "best ", "best list":
		if len(args) != 0 {
			return bad
		}
		bs, err := k.ListBest(knowledge.BestFilter{Month: a.month, Topic: a.topic})
		if err != nil {
			return fail(err)
		}
		return out(bs, func(w io.Writer) {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "month\ttopic\ttarget\ttitle\treason")
			for _, b := range bs {
				fmt.Fprintf(tw, "%s\t#%s\t%s\t%s\t%s\n", b.Month, b.Topic, b.Target, b.Title, b.Reason)
			}
			tw.Flush()
		})
	case "faq add":
		if len(args) != 0 || a.from == "" {
			return bad
		}
		var tg []string
		for _, t := range strings.Split(a.tags, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tg = append(tg, t)
			}
		}
		f, err := k.DraftFAQ(knowledge.FAQRequest{From: a.from, Question: a.question, Answer: a.answer, Tags: tg})
		if err != nil {
			return fail(err)
		}
		return out(f, func(w io.Writer) { fmt.Fprintf(w, "faq %s: %s\n", f.ID, f.Question) })
	case "faq ", "faq list":
		if len(args) != 0 {
			return bad
		}
		fs, err := k.ListFAQ(knowledge.BestFilter{Month: a.month, Topic: a.topic})
		if err != nil {
			return fail(err)
		}
		return out(fs, func(w io.Writer) {
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "id\tmonth\ttags\tquestion")
			for _, f := range fs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.ID, f.Month, strings.Join(f.Tags, " "), f.Question)
			}
			tw.Flush()
		})
	case "faq show":
		if len(args) != 1 {
			return bad
		}
		e, err := k.Entry(args[0])
		if err != nil {
			return fail(err)
		}
		return out(e, func(w io.Writer) {
			fmt.Fprintf(w, "Q: %s\n\n%s\n\ntags: %s\n", e.Question, e.Answer, strings.Join(e.Tags, " "))
			for _, s := range e.Sources {
				fmt.Fprintf(w, "source: %s\n", s.Target)
			}
		})
	case "faq publish":
		if len(args) != 1 {
			return bad
		}
		op, err := k.PublishFAQ(args[0])
		if err != nil {
			return fail(err)
		}
		return out(op, func(w io.Writer) {
			fmt.Fprintf(w, "queued knowledge article #%d (%s, %s) from faq %s: a Draft in Dynamics 365 after the next sync, created once\n", op.Seq, op.ID, op.State, args[0])
		})
	case "faq delete":
		if len(args) != 1 {
			return bad
		}
		if err := k.DeleteFAQ(args[0]); err != nil {
			return fail(err)
		}
		return out(map[string]string{"deleted": args[0]}, func(w io.Writer) { fmt.Fprintf(w, "deleted faq %s\n", args[0]) })
	case "archive ":
		if a.out == "" || a.month == "" {
			return bad
		}
		lang := a.lang
		if lang == "" {
			if ui, err := core.Settings.Get(); err == nil && ui.Language != "auto" {
				lang = ui.Language
			} else {
				lang = osLocale()
			}
		}
		p, err := k.Archive(knowledge.ArchiveRequest{Month: a.month, Account: a.account, Team: a.team, Lang: lang})
		if err != nil {
			return fail(err)
		}
		written, err := writeFiles(a.out, p.Archive.Files)
		if err != nil {
			return err
		}
		res := struct {
			Files []string `json:"files"`
			Best  int      `json:"best"`
			FAQ   int      `json:"faq"`
			Lang  string   `json:"lang"`
		}{written, p.Archive.Best, p.Archive.FAQ, p.Archive.Lang}
		return out(res, func(w io.Writer) {
			for _, f := range written {
				fmt.Fprintln(w, f)
			}
		})
	}
	return bad
}

// writeFiles writes files into dir (made if missing), each whole or not
// at all (a temporary file renamed), and returns their paths. Names are
// knowledge.SafeName's: they never leave dir.
func writeFiles(dir string, files []knowledge.File) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive folder: %w", err)
	}
	out := []string{}
	for _, f := range files {
		if f.Name != filepath.Base(f.Name) || f.Name == "." || f.Name == ".." {
			return out, fmt.Errorf("%w: file name %q", errInvalid, f.Name)
		}
		path := filepath.Join(dir, f.Name)
		tmp, err := os.CreateTemp(dir, ".rapport-*")
		if err != nil {
			return out, fmt.Errorf("write %s: %w", path, err)
		}
		_, err = tmp.Write(f.Data)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
			return out, fmt.Errorf("write %s: %w", path, err)
		}
		out = append(out, path)
	}
	return out, nil
}
