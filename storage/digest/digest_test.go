package digest_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/rapport-app/rapport/storage/digest"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var ctx = context.Background()

// goldenWeek is the last full week of the medium preset ending
// 2026-11-30.
const goldenWeek = "2026-W48"

var shanghai = metrics.Settings{Hours: []metrics.Schedule{{Zone: "Asia/Shanghai", Days: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}},
	TargetMinutes: 30, QuietDays: 14}

// build syncs the medium preset and builds the digests of goldenWeek.
func build(t *testing.T, r *enginetest.Rig, req digest.Request) []digest.Digest {
	t.Helper()
	svc, err := digest.NewMetrics(ctx, r.DB, req.Week, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ds, err := digest.Build(ctx, svc, r.DB, req)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestGoldenDigest: the digests of a week of the medium preset are
// reproduced byte for byte (go test ./storage/digest -run Golden -args
// -update rewrites them), the same however often they are built; the
// overview names every account with something in the week, an account's
// digest lists its questions, what is open and its cases, and the HTML
// is inert and self-contained.
func TestGoldenDigest(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 1, Size: tenantsim.Medium, End: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, engine.Options{})
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.New(r.DB).SetSettings(ctx, shanghai); err != nil {
		t.Fatal(err)
	}
	en := build(t, r, digest.Request{Week: goldenWeek, Lang: "en"})
	if len(en) < 2 || !en[0].Overview {
		t.Fatalf("%d digests; want the overview and the accounts", len(en))
	}
	if again := build(t, r, digest.Request{Week: goldenWeek, Lang: "en"}); !sameFiles(en, again) {
		t.Fatal("two builds of the same week differ")
	}
	var busiest digest.Digest
	for _, d := range en[1:] {
		if busiest.Accounts == nil || d.Accounts[0].Waits > busiest.Accounts[0].Waits {
			busiest = d
		}
	}
	a := busiest.Accounts[0]
	if a.Waits == 0 || len(a.Questions) != a.Waits || len(a.Open) != a.Unanswered {
		t.Fatalf("busiest account %s: %d waits, %d questions, %d open (of %d)", a.Name, a.Waits, len(a.Questions), len(a.Open), a.Unanswered)
	}
	for _, q := range a.Questions {
		if q.Text == "" || q.At.Before(time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC)) || !q.At.Before(time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)) {
			t.Fatalf("question outside the week (Shanghai) or without text: %+v", q)
		}
	}
	named := busiest
	byName := build(t, r, digest.Request{Week: goldenWeek, Account: a.Name, Lang: "en"})
	if len(byName) != 1 || !sameFiles(byName, []digest.Digest{named}) {
		t.Fatalf("--account %s gives %d digests, or another digest", a.Name, len(byName))
	}
	zh := build(t, r, digest.Request{Week: goldenWeek, Lang: "zh-CN"})
	fr := build(t, r, digest.Request{Week: goldenWeek, Account: a.ID, Lang: "fr"})
	golden := map[string][]byte{}
	for _, d := range []digest.Digest{en[0], busiest, zh[0], fr[0]} {
		for _, f := range digest.Files(d) {
			golden[d.Lang+"-"+f.Name] = f.Data
			if strings.HasSuffix(f.Name, ".html") {
				checkInert(t, f.Name, f.Data)
			}
		}
	}
	if !strings.Contains(string(golden["zh-CN-digest-"+goldenWeek+"-overview.md"]), "周报") || !strings.Contains(string(golden["fr-"+digest.Files(fr[0])[0].Name]), "Ce que les clients ont demandé") {
		t.Error("headings are not in the user's language")
	}
	dir := filepath.Join("testdata", "golden")
	if *update {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range golden {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (run with -args -update to write the golden files)", err)
	}
	if len(entries) != len(golden) {
		t.Errorf("%d golden files, %d digests files", len(entries), len(golden))
	}
	for name, data := range golden {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(want, data) {
			t.Errorf("%s differs from its golden file (%d bytes, want %d)", name, len(data), len(want))
		}
	}
}

func sameFiles(a, b []digest.Digest) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		fa, fb := digest.Files(a[i]), digest.Files(b[i])
		for j := range fa {
			if fa[j].Name != fb[j].Name || !bytes.Equal(fa[j].Data, fb[j].Data) {
				return false
			}
		}
	}
	return true
}

var remote = regexp.MustCompile(`(?i)(https?:|//|url\()`)

// checkInert parses an HTML file: no script element, no event-handler
// or style attribute, no remote reference in any attribute or in the
// style, a CSP meta that loads nothing.
func checkInert(t *testing.T, name string, data []byte) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	csp := ""
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "link", "img", "base", "form":
				t.Errorf("%s: a <%s> element", name, n.Data)
			case "style":
				if n.FirstChild != nil && remote.MatchString(n.FirstChild.Data) {
					t.Errorf("%s: the style references something remote", name)
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "src", k == "href", k == "srcset", k == "action":
					t.Errorf("%s: attribute %s=%q", name, a.Key, a.Val)
				case k == "http-equiv" && strings.EqualFold(a.Val, "Content-Security-Policy"):
					for _, c := range n.Attr {
						if c.Key == "content" {
							csp = c.Val
						}
					}
				}
				if remote.MatchString(a.Val) {
					t.Errorf("%s: a remote reference in %s=%q", name, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !strings.HasPrefix(csp, "default-src 'none'; style-src 'sha256-") {
		t.Errorf("%s: Content-Security-Policy %q", name, csp)
	}
}

// TestHostileMessage: a customer's message full of markup and remote
// references shows in the digest as its text, escaped; the HTML stays
// inert.
func TestHostileMessage(t *testing.T) {
	r := enginetest.Synced(t, tenantsim.Options{Seed: 2, Size: tenantsim.Small})
	tn := r.Srv.Tenant()
	w := tn.World()
	chat := w.Chats[0]
	customer := ""
	for _, m := range chat.Members {
		for _, c := range w.Customers[chat.Customer].Contacts {
			if c.ID == m.UserID {
				customer = c.ID
			}
		}
	}
	if customer == "" {
		t.Fatal("the first chat has no customer")
	}
	hostile := `<p>付款 <img src="https://evil.example/x.png" onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">click</a> <style>body{background:url(https://evil.example/y)}</style>&lt;b onmouseover=alert(4)&gt;</p>`
	if _, err := tn.Post(chat.ID, "", customer, hostile); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	y, wk := now.ISOWeek()
	week := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-W" + twoDigits(wk)
	svc, err := digest.NewMetrics(ctx, r.DB, week, now)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ds, err := digest.Build(ctx, svc, r.DB, digest.Request{Week: week, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		for _, f := range digest.Files(d) {
			if strings.HasSuffix(f.Name, ".html") {
				checkInert(t, f.Name, f.Data)
			}
			if strings.Contains(string(f.Data), "click") && strings.Contains(string(f.Data), "付款") {
				found = true
				if bytes.Contains(f.Data, []byte("<script")) || bytes.Contains(f.Data, []byte("onerror=")) {
					t.Errorf("%s holds live markup", f.Name)
				}
			}
		}
	}
	if !found {
		t.Fatal("the hostile message's text is in no digest")
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
