package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestKnowledgeCommands runs `rapport best`, `faq` and `archive` on a
// synced store as a user would: mark a thread best, list it by month,
// draft a FAQ entry from a range, show it redacted, build the month's
// archive into a folder and read the files it printed; bad input exits
// non-zero with a clear error and writes nothing.
func TestKnowledgeCommands(t *testing.T) {
	ctx := context.Background()
	end := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small, End: end})
	// A thread with replies and a chat's first messages, of March.
	var thread, rng string
	chats, err := rig.DB.Chats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	teams, err := rig.DB.Teams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range teams {
		chs, _ := rig.DB.Channels(ctx, tm.ID)
		for _, ch := range chs {
			ms, _ := rig.DB.Messages(ctx, ch.ID, end, 1000)
			replied := map[string]bool{}
			for _, m := range ms {
				replied[m.ReplyTo] = true
			}
			for _, m := range ms {
				if thread == "" && m.ReplyTo == "" && replied[m.ID] && m.Created.Month() == time.March {
					thread = storage.ThreadTarget(ch.ID, m.ID)
				}
			}
		}
	}
	for _, c := range chats {
		ms, _ := rig.DB.Messages(ctx, c.ID, end, 1000)
		var march []storage.MessageWithBody
		for i := len(ms) - 1; i >= 0; i-- {
			if ms[i].Created.Month() == time.March && ms[i].Created.Year() == 2026 && ms[i].Type == "message" {
				march = append(march, ms[i])
			}
		}
		if rng == "" && len(march) >= 2 {
			rng = "range/" + c.ID + "/" + march[0].ID + "/" + march[1].ID
		}
	}
	if thread == "" || rng == "" {
		t.Fatalf("no March thread (%q) or chat range (%q) in the small tenant", thread, rng)
	}
	dir := t.TempDir()
	if err := rig.DB.Snapshot(ctx, dir); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := Main(append([]string{args[0], "--data-dir", dir}, args[1:]...), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	ok := func(v any, args ...string) {
		t.Helper()
		code, out, errs := run(append([]string{args[0], "--json"}, args[1:]...)...)
		if code != 0 || json.Unmarshal([]byte(out), v) != nil {
			t.Fatalf("%v: %d %s %s", args, code, out, errs)
		}
	}
	var b knowledge.Best
	ok(&b, "best", "add", "--topic", "付款", "--reason", "clear fix", thread)
	if b.Target != thread || b.Month != "2026-03" || len(b.Messages) < 2 {
		t.Fatalf("best add: %+v", b)
	}
	var bs []knowledge.Best
	ok(&bs, "best", "list", "--month", "2026-03")
	if len(bs) != 1 || bs[0].Target != thread {
		t.Fatalf("best list: %+v", bs)
	}
	ok(&bs, "best", "list", "--month", "2026-02")
	if len(bs) != 0 {
		t.Fatalf("February: %+v", bs)
	}
	var f knowledge.FAQ
	ok(&f, "faq", "add", "--from", rng, "--question", "How do we pay?", "--tags", "付款,invoice")
	if f.ID == "" || len(f.Sources) != 2 || !slices.Equal(f.Tags, []string{"付款", "invoice"}) {
		t.Fatalf("faq add: %+v", f)
	}
	var e knowledge.Entry
	ok(&e, "faq", "show", f.ID)
	if e.Question != "How do we pay?" || !strings.HasPrefix(e.AnswerHTML, "<p>") {
		t.Fatalf("faq show: %+v", e)
	}
	out := filepath.Join(t.TempDir(), "archive")
	var res struct {
		Files []string `json:"files"`
		Best  int      `json:"best"`
		FAQ   int      `json:"faq"`
	}
	ok(&res, "archive", "--month", "2026-03", "--lang", "fr", "--out", out)
	if res.Best != 1 || res.FAQ != 1 || len(res.Files) != 3 {
		t.Fatalf("archive: %+v", res)
	}
	for _, p := range res.Files {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 || filepath.Dir(p) != out {
			t.Fatalf("%s: %v (%d bytes)", p, err, len(data))
		}
	}
	html, _ := os.ReadFile(filepath.Join(out, "knowledge-2026-03.html"))
	if !bytes.Contains(html, []byte("Archives de la base de connaissances · mars 2026")) || !bytes.Contains(html, []byte("#付款")) {
		t.Fatalf("archive HTML: %.300s", html)
	}
	// Plain output prints the files written.
	code, plain, _ := run("archive", "--month", "2026-03", "--out", out)
	if code != 0 || strings.Count(plain, "\n") != 3 || !strings.Contains(plain, filepath.Join(out, "knowledge-2026-03.md")) {
		t.Fatalf("archive: %d %q", code, plain)
	}

	for _, bad := range [][]string{
		{"best", "add", thread},                         // no topic
		{"best", "add", "--topic", "x", thread},         // marked already
		{"best", "add", "--topic", "x", "not-a-target"}, // bad target
		{"best", "remove", "message/nope/1"},            // not marked
		{"faq", "add", "--question", "q"},               // no --from
		{"archive", "--month", "2026-3", "--out", out},  // bad month
		{"archive", "--month", "2026-03", "--account", "Nobody", "--out", out},
		{"archive", "--month", "2026-03"}, // no --out
		{"best", "frobnicate"},
	} {
		code, stdout, errs := run(append([]string{bad[0], "--json"}, bad[1:]...)...)
		if code == 0 {
			t.Errorf("%v: exit 0 (%s)", bad, stdout)
			continue
		}
		if !strings.Contains(stdout+errs, "invalid") && !strings.Contains(stdout+errs, "not_found") && !strings.Contains(stdout+errs, "already") && !strings.Contains(stdout+errs, "not found") {
			t.Errorf("%v: unclear error %q %q", bad, stdout, errs)
		}
	}
	ok(&bs, "best", "list")
	if len(bs) != 1 {
		t.Fatalf("bad input changed the marks: %+v", bs)
	}
	var removed map[string]string
	ok(&removed, "best", "remove", thread)
	ok(&bs, "best", "list")
	if len(bs) != 0 {
		t.Fatalf("after remove: %+v", bs)
	}
}
