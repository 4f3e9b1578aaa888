package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/rapport-app/rapport/storage/knowledge"
)

// cliPublish queues a publication through the outbox: `publish digest`
// posts a week's summary to a channel (once, however often it is asked);
// the next sync (rapport sync, or the running app) sends it.
func cliPublish(ctx context.Context, cfg Config, a digestArgs, version string, log *slog.Logger, w io.Writer) error {
	if len(a.words) != 1 {
		return fmt.Errorf("%w: rapport publish digest --week YYYY-Www --channel TEAM/CHANNEL, or publish archive --month YYYY-MM --channel TEAM/CHANNEL", errInvalid)
	}
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	switch a.words[0] {
	case "digest":
		if a.week == "" || a.channel == "" {
			return fmt.Errorf("%w: rapport publish digest --week YYYY-Www --channel TEAM/CHANNEL", errInvalid)
		}
		ch, err := findChannel(ctx, db, a.channel)
		if err != nil {
			return cliRecordError(w, a.json, err)
		}
		if a.lang == "" {
			a.lang = osLocale()
		}
		op, err := queueDigestPost(ctx, db, PublishRequest{Week: a.week, Lang: a.lang, Team: ch.Team, Channel: ch.Channel})
		if err != nil {
			return cliRecordError(w, a.json, err)
		}
		if a.json {
			return printJSON(w, op)
		}
		fmt.Fprintf(w, "queued post #%d (%s, %s) of the %s summary to %s / %s; the next sync posts it\n",
			op.Seq, op.ID, op.State, a.week, ch.TeamName, ch.ChannelName)
		return nil
	case "archive":
		if a.month == "" || a.channel == "" {
			return fmt.Errorf("%w: rapport publish archive --month YYYY-MM --channel TEAM/CHANNEL", errInvalid)
		}
		ch, err := findChannel(ctx, db, a.channel)
		if err != nil {
			return cliRecordError(w, a.json, err)
		}
		if a.lang == "" {
			a.lang = osLocale()
		}
		ops, err := core.Knowledge.PublishArchive(ArchivePublication{Archive: knowledge.ArchiveRequest{Month: a.month, Lang: a.lang}, Team: ch.Team, Channel: ch.Channel})
		if err != nil {
			return cliRecordError(w, a.json, err)
		}
		if a.json {
			return printJSON(w, ops)
		}
		for _, op := range ops {
			fmt.Fprintf(w, "queued upload #%d (%s, %s) of %s to %s / %s\n", op.Seq, op.ID, op.State, op.File, ch.TeamName, ch.ChannelName)
		}
		fmt.Fprintln(w, "the next sync uploads them, each once; a file changed in Teams since is a conflict, never overwritten")
		return nil
	}
	return fmt.Errorf("%w: publish %q: digest or archive", errInvalid, a.words[0])
}
