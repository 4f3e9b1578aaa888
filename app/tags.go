package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/rapport-app/rapport/storage/tags"
)

// tagArgs are `rapport tag`'s words: +TAG to add, -TAG to remove, the
// rest the query (everything after "--" too).
type tagArgs struct {
	add, remove, query []string
}

// splitTagArgs separates `rapport tag`'s flags (those fset defines, with
// their values) from +TAG, -TAG and the query's words, so "-draft" is a
// tag to remove, not an unknown flag.
func splitTagArgs(fset *flag.FlagSet, args []string) (flags []string, ta tagArgs) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			ta.query = append(ta.query, args[i+1:]...)
			return flags, ta
		case len(a) > 1 && a[0] == '+':
			ta.add = append(ta.add, a[1:])
		case len(a) > 1 && a[0] == '-':
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			f := fset.Lookup(name)
			if f == nil && !strings.HasPrefix(a, "--") {
				ta.remove = append(ta.remove, a[1:])
				continue
			}
			flags = append(flags, a)
			if f == nil || hasValue || i+1 == len(args) {
				continue // an unknown --flag: the flag parser says so
			}
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++
				flags = append(flags, args[i])
			}
		default:
			ta.query = append(ta.query, a)
		}
	}
	return flags, ta
}

// cliTag adds and removes tags on every message a search finds, in one
// transaction: all of it or, on any failure, none of it. It waits for the
// index first (so it tags what `rapport search` shows) and after (so the
// next search sees the tags), saying so on stderr.
func cliTag(ctx context.Context, cfg Config, ta tagArgs, dryRun, asJSON bool, version string, stdout, stderr io.Writer) error {
	if len(ta.add)+len(ta.remove) == 0 || len(ta.query) == 0 {
		return fmt.Errorf("%w: rapport tag +TAG… -TAG… QUERY, e.g. rapport tag +付款 -draft 'invoice after:2026-03'", errInvalid)
	}
	core := newCore(cfg, ModeCLI, version, slog.New(slog.DiscardHandler))
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	if err := core.openIndex(); err != nil {
		return err
	}
	ix, _ := core.searchIndex()
	if err := waitIndex(ctx, ix, stderr, "tag"); err != nil {
		return err
	}
	ch, err := core.Tags.Bulk(strings.Join(ta.query, " "), ta.add, ta.remove, dryRun)
	if err != nil {
		return err
	}
	if !dryRun && ch.Docs > 0 {
		fmt.Fprintf(stderr, "tag: indexing %d messages (the change is saved; interrupting only delays the index)\n", ch.Docs)
		if err := ix.WaitIndexed(ctx); err != nil {
			return fmt.Errorf("the change is saved, the index catches up at the next start: %w", err)
		}
	}
	return printChange(stdout, asJSON, ch)
}

// waitIndex waits for the index to catch up with the store, saying so.
func waitIndex(ctx context.Context, ix interface {
	WaitIndexed(context.Context) error
}, stderr io.Writer, cmd string) error {
	fmt.Fprintf(stderr, "%s: waiting for the search index to catch up…\n", cmd)
	return ix.WaitIndexed(ctx)
}

// printChange prints what a tag change did (or, dry, would do).
func printChange(w io.Writer, asJSON bool, ch tags.Change) error {
	if asJSON {
		return json.NewEncoder(w).Encode(ch)
	}
	verb := "changed"
	if ch.DryRun {
		verb = "would change"
	}
	fmt.Fprintf(w, "%s: %s %d items (+%d −%d tags), %d tag entries", ch.What, verb, ch.Items, ch.Added, ch.Removed, ch.Meta)
	if ch.Matched > 0 || ch.What == tags.WhatBulk {
		fmt.Fprintf(w, "; %d results, %d not messages (skipped)", ch.Matched, ch.Skipped)
	}
	fmt.Fprintln(w)
	return nil
}

const tagsUsage = "tags [list | rename OLD NEW | merge FROM INTO | delete TAG | alias TAG ALIAS | unalias ALIAS | color TAG COLOR | undo | dump | restore FILE]"

// cliTags lists and edits tags, and dumps and restores them.
func cliTags(ctx context.Context, cfg Config, args []string, dryRun, asJSON bool, version string, stdout io.Writer) error {
	verb := "list"
	if len(args) > 0 {
		verb, args = args[0], args[1:]
	}
	want := map[string]int{"list": 0, "rename": 2, "merge": 2, "delete": 1, "alias": 2, "unalias": 1, "color": 2, "undo": 0, "dump": 0, "restore": 1}
	n, ok := want[verb]
	if !ok || len(args) != n {
		return fmt.Errorf("%w: rapport %s", errInvalid, tagsUsage)
	}
	core := newCore(cfg, ModeCLI, version, slog.New(slog.DiscardHandler))
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	svc := tags.New(db, nil)
	if verb == "list" {
		if err := core.openIndex(); err == nil { // hashtags come from the index
			ix, _ := core.searchIndex()
			if err := ix.WaitIndexed(ctx); err != nil {
				return err
			}
			svc = tags.New(db, ix)
		}
	}
	var ch tags.Change
	var err error
	switch verb {
	case "list":
		l, err := svc.List(ctx)
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(stdout).Encode(l)
		}
		return printTags(stdout, l)
	case "dump":
		return svc.Dump(ctx, stdout)
	case "restore":
		f, err := os.Open(args[0])
		if err != nil {
			return fmt.Errorf("%w: %w", errInvalid, err)
		}
		defer f.Close()
		ch, err = svc.Restore(ctx, f, dryRun)
		if err != nil {
			return err
		}
	case "rename":
		ch, err = svc.Rename(ctx, args[0], args[1], dryRun)
	case "merge":
		ch, err = svc.Merge(ctx, args[0], args[1], dryRun)
	case "delete":
		ch, err = svc.Delete(ctx, args[0], dryRun)
	case "alias":
		ch, err = svc.Alias(ctx, args[0], args[1])
	case "unalias":
		ch, err = svc.Unalias(ctx, args[0])
	case "color":
		ch, err = svc.Color(ctx, args[0], args[1])
	case "undo":
		ch, err = svc.Undo(ctx, dryRun)
	}
	if err != nil {
		return err
	}
	return printChange(stdout, asJSON, ch)
}

// printTags prints the Tags list for a terminal.
func printTags(w io.Writer, l tags.List) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "tag\titems\tcolour\taliases")
	for _, t := range l.Tags {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.Name, t.Count, t.Color, strings.Join(t.Aliases, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(l.Hashtags) > 0 {
		fmt.Fprintln(w, "\nhashtags in messages:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, h := range l.Hashtags {
			fmt.Fprintf(tw, "#%s\t%d\n", h.Name, h.Count)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if l.HashtagsError != "" {
		fmt.Fprintln(w, "hashtags unavailable:", l.HashtagsError)
	}
	if l.Undo != nil {
		fmt.Fprintf(w, "\nundo: %s of %d items (rapport tags undo)\n", l.Undo.What, l.Undo.Items)
	}
	return nil
}
