package tags

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/rapport-app/rapport/storage"
)

// The dump is plain text, one fact a line, sorted, so two dumps diff
// line by line:
//
//	# rapport tags 1
//	alias ALIAS TOPIC       ALIAS is another label of TOPIC
//	color TAG COLOR
//	tag TARGET TAG…         TARGET carries exactly these tags
//
// Blank lines and lines starting with '#' are ignored. Targets are
// conversation ids, thread/CONV/ROOT or message/CONV/MSG; neither they nor
// tags hold spaces.
const dumpHeader = "# rapport tags 1"

// Dump writes every tag, colour and alias as the plain text above.
func (s *Service) Dump(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, dumpHeader)
	metas, err := s.db.TagMetas(ctx)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(metas))
	for n := range metas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if t := metas[n].Topic; t != "" {
			fmt.Fprintf(bw, "alias %s %s\n", n, t)
		}
	}
	for _, n := range names {
		if c := metas[n].Color; c != "" {
			fmt.Fprintf(bw, "color %s %s\n", n, c)
		}
	}
	err = s.db.EachItemTags(ctx, func(target string, tags []string) error {
		_, err := fmt.Fprintf(bw, "tag %s %s\n", target, strings.Join(tags, " "))
		return err
	})
	if err != nil {
		return fmt.Errorf("dump tags: %w", err)
	}
	return bw.Flush()
}

// Restore reads a dump: every target it lists gets exactly the tags it
// lists, and its colours and aliases are set; targets, colours and aliases
// it does not name stay as they are. One transaction, kept for Undo. A
// line it cannot read is ErrInvalid (with its number) and nothing changes.
func (s *Service) Restore(ctx context.Context, r io.Reader, dryRun bool) (Change, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var items []storage.ItemTagEdit
	seen := map[string]bool{}
	aliases := map[string]string{}
	colors := map[string]string{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		bad := func(why string) (Change, error) {
			return Change{}, fmt.Errorf("%w: line %d: %s: %q", ErrInvalid, n, why, line)
		}
		switch {
		case f[0] == "alias" && len(f) == 3:
			a, t, err := pair(f[1], f[2])
			if err != nil {
				return bad(err.Error())
			}
			aliases[a] = t
		case f[0] == "color" && len(f) == 3:
			t, err := Norm(f[1])
			if err != nil {
				return bad(err.Error())
			}
			if !slices.Contains(Colors, f[2]) {
				return bad("unknown colour")
			}
			colors[t] = f[2]
		case f[0] == "tag" && len(f) >= 2:
			if kind, conv, _ := storage.ParseTarget(f[1]); conv == "" || kind == "" {
				return bad("not a target")
			}
			if seen[f[1]] {
				return bad("target listed twice")
			}
			seen[f[1]] = true
			tags, err := normAll(f[2:])
			if err != nil {
				return bad(err.Error())
			}
			items = append(items, storage.ItemTagEdit{Target: f[1], Set: tags, Replace: true})
		default:
			return bad("expected alias, color or tag")
		}
	}
	if err := sc.Err(); err != nil {
		return Change{}, fmt.Errorf("read dump: %w", err)
	}
	restore := inTx(func(m *meta) {
		for t, c := range colors {
			v := m.after[t]
			v.Color = c
			m.set(t, v)
		}
		for a, t := range aliases {
			v := m.after[a]
			v.Topic = t
			m.set(a, v)
		}
	})
	sort.Slice(items, func(i, j int) bool { return items[i].Target < items[j].Target })
	return s.edit(ctx, WhatRestore, dryRun, storage.TagEdit{Items: items, MetaFunc: restore})
}
