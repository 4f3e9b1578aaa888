package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// linkSets are the record types a chat can be linked to.
var linkSets = []string{"incidents", "accounts", "contacts", "opportunities", "knowledgearticles"}

// cliLink queues a link (or an unlink) of a chat to a record: offline, in
// one transaction with its outbox operation; the next sync pushes it. A
// thread (thread/CONV/ROOT) or message (message/CONV/MSG) is linked in
// Rapport only.
func cliLink(ctx context.Context, cfg Config, args []string, linked, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	if len(args) != 3 {
		return fmt.Errorf("%w: give CHAT-ID SET RECORD-ID, e.g. 19:abc@thread.v2 incidents 0f8e…", errInvalid)
	}
	chatID, set, recID := args[0], args[1], args[2]
	if !slices.Contains(linkSets, set) {
		return fmt.Errorf("%w: record type %q (one of %v)", errInvalid, set, linkSets)
	}
	core := newCore(cfg, "cli", version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	if err := targetExists(ctx, db, chatID); err != nil {
		return fmt.Errorf("%w (sync first, or check the id)", err)
	}
	subject := ""
	if linked {
		recs, err := db.Records(ctx, set)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(recs, func(r storage.Record) bool { return r.ID == recID && r.Deleted == nil })
		if i < 0 {
			return fmt.Errorf("%s(%s): %w in the store (sync first, or check the id)", set, recID, storage.ErrNotFound)
		}
		subject, _ = recs[i].Fields["title"].(string)
		if subject == "" {
			subject, _ = recs[i].Fields["name"].(string)
		}
	}
	me, _ := db.Me(ctx)
	op, err := db.SetLink(ctx, chatID, set, recID, linked, me, subject, time.Now().UTC())
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(op)
	}
	if op.State == storage.OpLocal {
		fmt.Fprintf(w, "%sed %s in Rapport (Dynamics 365 links chats only: nothing to push)\n", op.Kind, chatID)
		return nil
	}
	if op.Seq == 0 {
		fmt.Fprintln(w, "nothing to do: already so")
		return nil
	}
	fmt.Fprintf(w, "queued %s #%d (%s); the next sync pushes it to Dynamics 365\n", op.Kind, op.Seq, op.ID)
	return nil
}

// cliJoin queues a request to join a chat linked to a record.
func cliJoin(cfg Config, args []string, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	if len(args) != 3 {
		return fmt.Errorf("%w: give CHAT-ID SET RECORD-ID of a chat linked to that record", errInvalid)
	}
	core := newCore(cfg, "cli", version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	op, err := core.Links.Join(args[0], args[1], args[2])
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(w).Encode(op)
	}
	fmt.Fprintf(w, "queued %s #%d (%s); the next sync asks Dynamics 365 to add you and brings the chat in\n", op.Kind, op.Seq, op.ID)
	return nil
}

// cliOutbox lists the outbox, or retries or discards one operation.
func cliOutbox(ctx context.Context, cfg Config, args []string, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, "cli", version, log)
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
