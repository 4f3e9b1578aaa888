package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/storage/links"
)

// recordArgs reads a link command's words: TARGET RECORD, RECORD being one
// reference (the words after the target, joined by spaces, so a name
// needs no quotes), or the older TARGET SET RECORD, which looks for RECORD
// among records of type SET (an id, as before, or any other reference).
func recordArgs(cmd string, args []string) (target, set, ref string, err error) {
	if len(args) < 2 {
		return "", "", "", fmt.Errorf("%w: give %s TARGET RECORD, RECORD a case number (CAS-01234-ABCDE), a name, an e-mail or SET:ID", errInvalid, cmd)
	}
	target, words := args[0], args[1:]
	if len(words) >= 2 && crm.SetNamed(words[0]) != "" {
		return target, crm.SetNamed(words[0]), strings.Join(words[1:], " "), nil
	}
	if len(words) == 2 && guidRE.MatchString(strings.Trim(words[1], "{}")) {
		return "", "", "", fmt.Errorf("%w: record type %q (one of %v)", errInvalid, words[0], crm.LinkableNames())
	}
	return target, "", strings.Join(words, " "), nil
}

// guidRE is a Dataverse id.
var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// cliLink queues a link (or an unlink) of a chat to a record: offline, in
// one transaction with its outbox operation; the next sync pushes it. A
// thread (thread/CONV/ROOT) or message (message/CONV/MSG) is linked in
// Rapport only. The record is found by Links.resolve; unlinking follows
// the record type's unlink rules, as in the app.
func cliLink(cfg Config, args []string, linked, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	cmd, among := "link", links.AmongLive
	if !linked {
		cmd, among = "unlink", links.AmongLinked
	}
	target, set, ref, err := recordArgs(cmd, args)
	if err != nil {
		return cliRecordError(w, asJSON, err)
	}
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	rec, err := core.Links.resolve(target, set, ref, among)
	if err != nil {
		return cliRecordError(w, asJSON, err)
	}
	var op storage.Op
	if linked {
		op, err = core.Links.Link(target, rec.Set, rec.ID)
	} else {
		op, err = core.Links.Unlink(target, rec.Set, rec.ID)
	}
	if err != nil {
		return cliRecordError(w, asJSON, err)
	}
	if asJSON {
		return json.NewEncoder(w).Encode(op)
	}
	what := recordLine(rec)
	switch {
	case op.State == storage.OpLocal:
		fmt.Fprintf(w, "%sed %s and %s in Rapport (Dynamics 365 links chats only: nothing to push)\n", op.Kind, target, what)
	case op.Seq == 0:
		fmt.Fprintf(w, "nothing to do: %s and %s are already so\n", target, what)
	default:
		fmt.Fprintf(w, "queued %s #%d (%s) of %s and %s; the next sync pushes it to Dynamics 365\n", op.Kind, op.Seq, op.ID, target, what)
	}
	return nil
}

// recordLine names a resolved record for the terminal.
func recordLine(r links.RecordRef) string {
	s := fmt.Sprintf("%s:%s %q", r.Set, r.ID, r.Title)
	if r.Detail != "" {
		s += " (" + r.Detail + ")"
	}
	return s
}

// cliRecordError returns a link command's failure, saying so on w as
// {"error": {code, message, candidates}} with --json (the candidates of
// an ambiguous reference), and with a hint when something was not found.
func cliRecordError(w io.Writer, asJSON bool, err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		err = fmt.Errorf("%w (sync first, or check what you typed)", err)
	}
	if asJSON {
		body := struct {
			Error
			Candidates []links.RecordRef `json:"candidates,omitempty"`
			Total      int               `json:"total,omitempty"`
		}{Error: toError(err)}
		var amb *links.AmbiguousError
		if errors.As(err, &amb) {
			body.Candidates, body.Total = amb.Candidates, amb.Total
		}
		if jerr := json.NewEncoder(w).Encode(map[string]any{"error": body}); jerr != nil {
			return errors.Join(err, jerr)
		}
	}
	return err
}

// cliJoin queues a request to join a chat linked to a record, the record
// found among those Dynamics 365 links the chat to.
func cliJoin(cfg Config, args []string, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	target, set, ref, err := recordArgs("join", args)
	if err != nil {
		return cliRecordError(w, asJSON, err)
	}
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	rec, err := core.Links.resolve(target, set, ref, links.AmongDynamic)
	if err != nil {
		return cliRecordError(w, asJSON, err)
	}
	op, err := core.Links.Join(target, rec.Set, rec.ID)
	if err != nil {
		return cliRecordError(w, asJSON, err)
	}
	if asJSON {
		return json.NewEncoder(w).Encode(op)
	}
	fmt.Fprintf(w, "queued %s #%d (%s) of %s, linked to %s; the next sync asks Dynamics 365 to add you and brings the chat in\n",
		op.Kind, op.Seq, op.ID, target, recordLine(rec))
	return nil
}

// cliOutbox lists the outbox, or retries or discards one operation.
func cliOutbox(ctx context.Context, cfg Config, args []string, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	verb := "list"
	if len(args) > 0 {
		verb = args[0]
	}
	switch verb {
	case "list":
		if len(args) > 1 {
			return fmt.Errorf("%w: outbox list takes no argument", errInvalid)
		}
		ops, err := db.Outbox(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			if ops == nil {
				ops = []storage.Op{}
			}
			return json.NewEncoder(w).Encode(ops)
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tstate\tkind\tchat\trecord\tattempts\terror")
		for _, op := range ops {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s(%s)\t%d\t%s\n", op.Seq, op.State, op.Kind, op.ChatID, op.Set, op.RecordID, op.Attempts, op.Error)
		}
		return tw.Flush()
	case "retry", "discard":
		if len(args) != 2 {
			return fmt.Errorf("%w: outbox %s takes one operation number", errInvalid, verb)
		}
		seq, err := strconv.ParseUint(args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: operation number %q", errInvalid, args[1])
		}
		var op storage.Op
		if verb == "retry" {
			op, err = db.RetryOp(ctx, seq, time.Now().UTC())
		} else {
			op, err = db.DiscardOp(ctx, seq, time.Now().UTC())
		}
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(w).Encode(op)
		}
		fmt.Fprintf(w, "#%d is now %s\n", op.Seq, op.State)
		return nil
	}
	return fmt.Errorf("%w: outbox %q (list, retry N or discard N)", errInvalid, verb)
}
