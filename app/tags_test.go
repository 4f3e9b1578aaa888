package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/tags"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestTagsCommands runs `rapport tag` and `rapport tags` on a synced
// store as a user would: a dry run counts and changes nothing, a bulk
// tag reaches every result and `rapport search tag:` finds them, -TAG
// untags, list counts, rename's dry run counts first, undo puts the tag
// back, dump → restore round-trips, and bad input exits non-zero.
func TestTagsCommands(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(rig.DB.Snapshot(ctx, dir))
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		// The data dir first: after "--" everything is query.
		code := Main(append([]string{args[0], "--data-dir", dir}, args[1:]...), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	total := func(q string) int {
		t.Helper()
		code, out, errs := run("search", "--json", "--limit", "1", q)
		var res search.Result
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil {
			t.Fatalf("search %q: %d %s %s", q, code, out, errs)
		}
		return int(res.Total)
	}
	change := func(args ...string) tags.Change {
		t.Helper()
		code, out, errs := run(append([]string{args[0], "--json"}, args[1:]...)...)
		var ch tags.Change
		if code != 0 || json.Unmarshal([]byte(out), &ch) != nil {
			t.Fatalf("%v: %d %s %s", args, code, out, errs)
		}
		return ch
	}
	n := total("is:message")
	if n < 10 {
		t.Fatalf("the small tenant has %d messages", n)
	}
	steps := []struct {
		name  string
		args  []string
		items int
		check string
		want  int
	}{
		{"dry run", []string{"tag", "--dry-run", "+suivi", "is:message"}, n, "tag:suivi", 0},
		{"bulk tag", []string{"tag", "+suivi", "+Draft", "is:message"}, n, "tag:suivi", n},
		{"untag with -TAG", []string{"tag", "-draft", "--", "is:message"}, n, "tag:draft", 0},
		{"rename, dry", []string{"tags", "--dry-run", "rename", "suivi", "follow-up"}, n, "tag:suivi", n},
		{"rename", []string{"tags", "rename", "suivi", "follow-up"}, n, "tag:follow-up", n},
		{"undo", []string{"tags", "undo"}, n, "tag:suivi", n},
	}
	for _, st := range steps {
		if ch := change(st.args...); ch.Items != st.items {
			t.Fatalf("%s: %+v, want %d items", st.name, ch, st.items)
		}
		if got := total(st.check); got != st.want {
			t.Fatalf("%s: %s finds %d, want %d", st.name, st.check, got, st.want)
		}
	}
	code, out, _ := run("tags", "--json")
	var l tags.List
	if code != 0 || json.Unmarshal([]byte(out), &l) != nil {
		t.Fatalf("tags list: %d %s", code, out)
	}
	if len(l.Tags) != 1 || l.Tags[0].Name != "suivi" || l.Tags[0].Count != n || l.Undo != nil {
		t.Fatalf("tags list %+v, want suivi on %d items and nothing to undo", l, n)
	}
	if len(l.Hashtags) == 0 {
		t.Fatalf("no hashtags listed from the tenant's messages")
	}
	code, dump, _ := run("tags", "dump")
	if code != 0 || strings.Count(dump, " suivi\n") != n || !strings.HasPrefix(dump, "# rapport tags 1\n") {
		t.Fatalf("dump (%d): %.300s", code, dump)
	}
	edited := filepath.Join(t.TempDir(), "tags.txt")
	must(os.WriteFile(edited, []byte(strings.Replace(dump, " suivi\n", " suivi vip\n", 1)+"color vip red\n"), 0o600))
	if ch := change("tags", "restore", edited); ch.Items != 1 || ch.Meta != 1 {
		t.Fatalf("restore %+v, want one item and one colour", ch)
	}
	if got := total("tag:vip"); got != 1 {
		t.Fatalf("tag:vip after restore finds %d", got)
	}
	_, again, _ := run("tags", "dump")
	want := strings.Replace(strings.Replace(dump, " suivi\n", " suivi vip\n", 1), "# rapport tags 1\n", "# rapport tags 1\ncolor vip red\n", 1)
	if again != want {
		t.Fatalf("dump after restore differs from the file restored: %.300s", again)
	}
	for _, bad := range [][]string{{"tag", "+x"}, {"tag", "is:message"}, {"tag", "+two words!", "is:message"},
		{"tag", "+x", "from:("}, {"tags", "rename", "a"}, {"tags", "frobnicate"}, {"tags", "rename", "suivi", "vip"}} {
		if code, _, _ := run(bad...); code == 0 {
			t.Errorf("%v exited 0", bad)
		}
	}
}

// TestTagsService runs the adapter the UI calls: tag a message and its
// chat, read them back by conversation, and map errors to their codes.
func TestTagsService(t *testing.T) {
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	dir := t.TempDir()
	if err := rig.DB.Snapshot(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	core := newCore(Config{DataDir: dir, Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	db, _ := core.store()
	chats, err := db.Chats(context.Background())
	if err != nil || len(chats) == 0 {
		t.Fatal("no chats", err)
	}
	chat := chats[0].ID
	ms, err := db.Messages(context.Background(), chat, time.Time{}, 1)
	if err != nil || len(ms) == 0 {
		t.Fatal("no messages", err)
	}
	msg := storage.MessageTarget(chat, ms[0].ID)
	if got, err := core.Tags.Set(msg, []string{"#付款"}, nil); err != nil || !slices.Equal(got, []string{"付款"}) {
		t.Fatalf("Set: %v %v", got, err)
	}
	if _, err := core.Tags.Set(chat, []string{"Contoso"}, nil); err != nil {
		t.Fatal(err)
	}
	byTarget, err := core.Tags.ForConversation(chat)
	if err != nil || !slices.Equal(byTarget[msg], []string{"付款"}) || !slices.Equal(byTarget[chat], []string{"contoso"}) {
		t.Fatalf("ForConversation: %v %v", byTarget, err)
	}
	for _, c := range []struct {
		err  error
		code string
	}{
		{func() error { _, err := core.Tags.Set(msg, []string{"a b"}, nil); return err }(), "invalid_argument"},
		{func() error { _, err := core.Tags.Rename("付款", "contoso", false); return err }(), "already_exists"},
		{func() error { _, err := core.Tags.Undo(false); return err }(), "not_found"},
		{func() error { _, err := core.Tags.Bulk("is:message", []string{"x"}, nil, false); return err }(), "search_unavailable"}, // no index open
	} {
		if got := toError(c.err).Code; got != c.code {
			t.Errorf("%v: code %q, want %q", c.err, got, c.code)
		}
	}
}
