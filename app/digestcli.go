package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/rapport-app/rapport/storage/digest"
)

// digestArgs are `rapport digest`'s and `rapport publish`'s flags.
type digestArgs struct {
	week, month, account, out, channel, lang string
	words                                    []string
	json                                     bool
}

// cliDigest writes a week's digests (Markdown and HTML) into a directory
// and prints the files written.
func cliDigest(ctx context.Context, cfg Config, a digestArgs, version string, log *slog.Logger, w io.Writer) error {
	if a.week == "" || a.out == "" {
		return fmt.Errorf("%w: rapport digest --week YYYY-Www [--account NAME] --out DIR", errInvalid)
	}
	if len(a.words) > 0 {
		return fmt.Errorf("%w: rapport digest takes no argument, not %q", errInvalid, a.words[0])
	}
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	if a.lang == "" {
		a.lang = osLocale()
	}
	ds, err := digest.Week(ctx, db, digest.Request{Week: a.week, Account: a.account, Lang: a.lang}, time.Now())
	if err != nil {
		return cliRecordError(w, a.json, err)
	}
	if err := os.MkdirAll(a.out, 0o755); err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	var written []string
	for _, d := range ds {
		for _, f := range digest.Files(d) {
			p := filepath.Join(a.out, f.Name)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				return fmt.Errorf("digest: %w", err)
			}
			written = append(written, p)
		}
	}
	if a.json {
		return printJSON(w, map[string]any{"week": a.week, "files": written})
	}
	for _, p := range written {
		fmt.Fprintln(w, p)
	}
	return nil
}
