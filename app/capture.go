package app

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport/storage/capture"
)

// captureArgs are the words and flags of `rapport case|task|note`.
type captureArgs struct {
	cmd, from, title, customer, priority, record, subject, due string
	file, json                                                 bool
	words                                                      []string
}

// cliCapture runs `rapport case create`, `task add|list` and `note add`:
// what the message menu's Create case…, Add task… and Add note… do.
func cliCapture(cfg Config, a captureArgs, version string, log *slog.Logger, w io.Writer) error {
	verb := strings.Join(a.words, " ")
	want := map[string]string{"case": "create", "note": "add"}[a.cmd]
	if a.cmd == "task" && verb == "" {
		verb = "list"
	}
	if !(verb == want || a.cmd == "task" && (verb == "add" || verb == "list")) {
		return cliRecordError(w, a.json, fmt.Errorf("%w: rapport %s %s (see rapport help)", errInvalid, a.cmd, cmp.Or(want, "add | list")))
	}
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	if a.cmd == "task" && verb == "list" {
		fu, err := core.Capture.FollowUps()
		if err != nil {
			return cliRecordError(w, a.json, err)
		}
		if a.json {
			return json.NewEncoder(w).Encode(fu)
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATE\tDUE\tSUBJECT\tREGARDING")
		for _, t := range fu {
			due := "-"
			if t.Due != nil {
				due = t.Due.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.State, due, t.Title, cmp.Or(t.RecordTitle, t.Set+":"+t.RecordID))
		}
		return tw.Flush()
	}
	var (
		c   capture.Created
		err error
	)
	switch a.cmd {
	case "case":
		c, err = core.Capture.CreateCase(capture.CaseRequest{From: a.from, Title: a.title, Customer: a.customer, Priority: a.priority})
	case "task":
		c, err = core.Capture.AddTask(capture.TaskRequest{Record: a.record, Subject: a.subject, Due: a.due, Priority: a.priority, From: a.from})
	case "note":
		c, err = core.Capture.AddNote(capture.NoteRequest{Record: a.record, From: a.from, Title: a.title, File: a.file})
	}
	if err != nil {
		return cliRecordError(w, a.json, err)
	}
	if a.json {
		return json.NewEncoder(w).Encode(c)
	}
	fmt.Fprintf(w, "queued create #%d of %s:%s %q", c.Op.Seq, c.Set, c.ID, c.Title)
	if c.Regarding != nil {
		fmt.Fprintf(w, " for %s", recordLine(*c.Regarding))
	}
	if c.LinkedTo != "" {
		fmt.Fprintf(w, ", linked to %s", c.LinkedTo)
	}
	fmt.Fprintln(w, "; the next sync pushes it to Dynamics 365")
	return nil
}
