package knowledge_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/storage/tags"
)

// png is a 1×1 PNG.
var png, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

const hostileChat = "19:hostile@thread.v2"

// hostile is message HTML trying everything the screen refuses.
var hostile = []string{
	`<p>Hi <at id="0">Li Wei</at>, <b>payment</b> is late</p><script>alert(1)</script><img src="x" onerror="alert(2)">`,
	`<p onclick="alert(3)" style="color:red">Write to <a href="mailto:li.wei@contoso.cn">li.wei@contoso.cn</a> or <a href="javascript:alert(4)">here</a></p><iframe src="https://evil.example/"></iframe>`,
	`<p>Screenshot: <img src="https://graph.microsoft.com/v1.0/chats/19:hostile@thread.v2/messages/3/hostedContents/img1/$value"> and <img src="https://evil.example/track.png"> <img src="https://graph.microsoft.com/v1.0/chats/19:hostile@thread.v2/messages/3/hostedContents/html1/$value"></p><style>body{background:url(https://evil.example/)}</style><link rel="stylesheet" href="https://evil.example/x.css"><form action="https://evil.example/"><input name="q"></form>`,
	`<svg onload="alert(5)"><use href="https://evil.example/#x"/></svg><object data="https://evil.example/x.swf"></object><a href="https://docs.example.com/guide" target="_self">the guide</a> <base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
}

func seedHostile(t *testing.T, db *storage.DB) {
	t.Helper()
	must(t, db.Apply(ctx, func(w *storage.Writer) error {
		if err := w.PutChat(storage.Chat{ID: hostileChat, Topic: "Li Wei / 付款", ChatType: "group", Created: t0}); err != nil {
			return err
		}
		if err := w.PutUser(storage.User{ID: "guest-1", DisplayName: "Li Wei", Mail: "li.wei@contoso.cn", UserType: "Guest"}); err != nil {
			return err
		}
		if err := w.PutRecord(storage.Record{Set: "accounts", ID: "acc-1", Fields: map[string]any{"name": "Contoso Ltd"}}); err != nil {
			return err
		}
		for i, b := range hostile {
			m := storage.Message{ConvID: hostileChat, ID: fmt.Sprint(i + 1), Type: "message", FromName: "Li Wei", Created: t0.Add(time.Duration(i) * time.Minute)}
			m.Modified = m.Created
			if i == 2 {
				m.Hosted = []string{"img1", "html1"}
			}
			if _, err := w.PutMessage(m, storage.Body{Raw: b}); err != nil {
				return err
			}
		}
		if err := w.PutHosted(hostileChat, "3", "img1", png); err != nil {
			return err
		}
		return w.PutHosted(hostileChat, "3", "html1", []byte("<html><script>alert(6)</script></html>"))
	}))
}

// checkInert fails unless doc is HTML that runs nothing and loads
// nothing remote: no script, embedding or form element, no event
// handler or style attribute, images only as data: URIs, links only on
// <a> (in-document, http(s) or mailto), one style element in the head
// with no url() or @import, and a Content-Security-Policy allowing
// nothing else.
func checkInert(t *testing.T, name string, doc []byte) {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	styles, csp := 0, ""
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "frame", "frameset", "object", "embed", "link", "base", "form", "input", "button", "svg", "math", "noscript", "template", "audio", "video", "source", "track", "applet", "portal":
				t.Errorf("%s: <%s> element", name, n.Data)
			case "style":
				styles++
				if css := n.FirstChild; css != nil && (strings.Contains(css.Data, "url(") || strings.Contains(css.Data, "@import")) {
					t.Errorf("%s: the stylesheet loads something", name)
				}
			case "meta":
				for _, a := range n.Attr {
					if a.Key == "http-equiv" && strings.EqualFold(a.Val, "refresh") {
						t.Errorf("%s: meta refresh", name)
					}
					if a.Key == "http-equiv" && a.Val == "Content-Security-Policy" {
						for _, c := range n.Attr {
							if c.Key == "content" {
								csp = c.Val
							}
						}
					}
				}
			}
			for _, a := range n.Attr {
				k, v := strings.ToLower(a.Key), strings.TrimSpace(strings.ToLower(a.Val))
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "srcset", k == "action", k == "formaction", k == "background", k == "poster", k == "data", k == "xlink:href", k == "ping":
					t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
				case k == "src":
					if n.Data != "img" || !strings.HasPrefix(v, "data:image/") {
						t.Errorf("%s: <%s src=%.60q>", name, n.Data, a.Val)
					}
				case k == "href":
					if n.Data != "a" || !(strings.HasPrefix(v, "#") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "mailto:")) {
						t.Errorf("%s: <%s href=%q>", name, n.Data, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if styles != 1 {
		t.Errorf("%s: %d style elements", name, styles)
	}
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "img-src data:") || strings.Contains(csp, "unsafe") {
		t.Errorf("%s: CSP %q", name, csp)
	}
	if bytes.Contains(bytes.ToLower(doc), []byte("javascript:")) {
		t.Errorf("%s: a javascript: URL", name)
	}
}

func TestArchiveHostile(t *testing.T) {
	db := storagetest.Open(t)
	seedHostile(t, db)
	s := knowledge.New(db)
	_, err := s.MarkBest(ctx, knowledge.BestRequest{Target: "range/" + hostileChat + "/1/4", Topic: "付款", Reason: "Li Wei asked; <script>alert(7)</script>"})
	must(t, err)
	_, err = s.DraftFAQ(ctx, knowledge.FAQRequest{From: "range/" + hostileChat + "/1/2", Question: "<img src=x onerror=alert(8)> When?", Tags: []string{"payment"}})
	must(t, err)
	_, err = tags.New(db, nil).Alias(ctx, "付款", "payment")
	must(t, err)

	for _, lang := range knowledge.Languages {
		a, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-03", Lang: lang})
		must(t, err)
		if a.Best != 1 || a.FAQ != 1 || len(a.Topics) != 1 || a.Topics[0].Topic != "付款" || len(a.Topics[0].Entries) != 2 ||
			strings.Join(a.Topics[0].Labels, ",") != "付款,payment" {
			t.Fatalf("%s: %+v", lang, a.Topics)
		}
		if len(a.Files) != 3 || a.Files[0].Name != "knowledge-2026-03-index.md" || a.Files[1].Name != "knowledge-2026-03.md" || a.Files[2].Name != "knowledge-2026-03.html" {
			t.Fatalf("files %v %v %v", a.Files[0].Name, a.Files[1].Name, a.Files[2].Name)
		}
		page := a.Files[2].Data
		checkInert(t, lang, page)
		for _, f := range a.Files {
			for _, leak := range []string{"li.wei@contoso.cn", "Li Wei", "<script", "<img src=x", "evil.example"} {
				if bytes.Contains(f.Data, []byte(leak)) {
					t.Errorf("%s %s holds %q", lang, f.Name, leak)
				}
			}
		}
		if !bytes.Contains(page, []byte(`<img src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(png)+`"`)) {
			t.Errorf("%s: the inline image is not embedded", lang)
		}
		if bytes.Count(page, []byte("<img")) != 1 {
			t.Errorf("%s: %d images, want the one stored image", lang, bytes.Count(page, []byte("<img")))
		}
		// A message without personal data is exactly as on screen.
		if onScreen, _ := content.Message(hostile[3], false, content.Options{}); !bytes.Contains(page, []byte(onScreen)) {
			t.Errorf("%s: message 4 is not as on screen: %s", lang, onScreen)
		}
		if len(a.Review) != 2 || a.Review[0].Kind != "best" {
			t.Errorf("%s: review %+v", lang, a.Review)
		}
		// Deterministic.
		again, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-03", Lang: lang})
		must(t, err)
		for i := range a.Files {
			if !bytes.Equal(a.Files[i].Data, again.Files[i].Data) {
				t.Errorf("%s: %s differs between two builds", lang, a.Files[i].Name)
			}
		}
	}
	zh, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-03", Lang: "zh-CN"})
	must(t, err)
	fr, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-03", Lang: "fr-FR"})
	must(t, err)
	for _, c := range []struct {
		a    knowledge.Archive
		want string
	}{{zh, "知识库月度归档 · 2026年3月"}, {fr, "Archives de la base de connaissances · mars 2026"}} {
		if !bytes.Contains(c.a.Files[1].Data, []byte("# "+c.want)) {
			t.Errorf("%s heading: %s", c.a.Lang, c.a.Files[1].Data[:80])
		}
	}

	// Scopes.
	none, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-04"})
	must(t, err)
	if none.Best != 0 || len(none.Topics) != 0 || !bytes.Contains(none.Files[2].Data, []byte("No best conversation")) {
		t.Fatalf("empty month: %+v", none)
	}
	acc, err := s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-03", Account: "contoso ltd"})
	must(t, err)
	if acc.Best != 0 || acc.Scope != "Contoso Ltd" || acc.Files[2].Name != "knowledge-2026-03-Contoso-Ltd.html" {
		t.Fatalf("unlinked account: %+v", acc)
	}
	_, err = db.SetLink(ctx, hostileChat, "accounts", "acc-1", true, "me", "", t0)
	must(t, err)
	acc, err = s.Archive(ctx, knowledge.ArchiveRequest{Month: "2026-03", Account: "acc-1"})
	must(t, err)
	if acc.Best != 1 || acc.FAQ != 1 {
		t.Fatalf("linked account: %+v", acc)
	}
	for _, bad := range []knowledge.ArchiveRequest{{Month: "2026-3"}, {Month: "2026-03", Account: "x", Team: "y"}} {
		if _, err := s.Archive(ctx, bad); !errors.Is(err, knowledge.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	for _, bad := range []knowledge.ArchiveRequest{{Month: "2026-03", Account: "Fabrikam"}, {Month: "2026-03", Team: "Nope"}} {
		if _, err := s.Archive(ctx, bad); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
