package content

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var opts = Options{Hosted: func(id string) string { return "/hosted/" + id + "/mac" }}

func TestMessage(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		isText   bool
		wantSafe []string // substrings that must be present
		banned   []string // substrings that must be absent (case-insensitive)
		wantText string
	}{
		{
			name:     "mention, emoji, attachment",
			raw:      `<p><at id="0">王芳</at> 第二期付款已到账 <emoji id="smile" alt="🙂" title="微笑"></emoji></p><attachment id="abc"></attachment>`,
			wantSafe: []string{`<span class="mention">@王芳</span>`, "🙂"},
			banned:   []string{"<at", "<emoji", "<attachment"},
			wantText: "@王芳 第二期付款已到账 🙂",
		},
		{
			name:     "script and event handlers",
			raw:      `<p>看这里<script>alert('x')</script><img src="x" onerror="alert(1)"><svg onload="alert(2)"></svg></p>`,
			wantSafe: []string{"看这里", "[image]"},
			banned:   []string{"<script", "alert", "onerror", "onload", "<svg"},
			wantText: "看这里[image]",
		},
		{
			name:     "javascript links in every case",
			raw:      `<p><a href="javascript:alert(document.cookie)">查看发票</a> <a href="JaVaScRiPt:alert(1)">x</a> <a href="https://docs.example.com/a">doc</a> <a href="mailto:a@b.cn">mail</a></p>`,
			wantSafe: []string{`href="https://docs.example.com/a"`, `target="_blank"`, `rel="nofollow noreferrer noopener"`, `href="mailto:a@b.cn"`, "查看发票"},
			banned:   []string{"javascript"},
			wantText: "查看发票 x doc mail",
		},
		{
			name:     "iframe, form, style, object",
			raw:      `<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="pwd"></form><div style="background:url(javascript:alert(1))">正文</div><object data="x"></object><style>body{}</style>`,
			banned:   []string{"<iframe", "<form", "<input", "style", "<object", "evil"},
			wantText: "正文",
		},
		{
			name:     "hosted image becomes local, remote image dropped",
			raw:      `<p><img src="https://graph.microsoft.com/v1.0/chats/19:x/messages/1/hostedContents/aWQ9abc/$value" alt="image" width="250" height="180" style="vertical-align:bottom"><img src="https://tracker.example/pixel.png"></p>`,
			wantSafe: []string{`<img src="/hosted/aWQ9abc/mac" alt="image" width="250" height="180"`, "[image]"},
			banned:   []string{"tracker", "graph.microsoft.com", "vertical-align"},
		},
		{
			name:     "system event",
			raw:      `<systemEventMessage/>`,
			wantText: "",
		},
		{
			name:     "plain text is escaped",
			raw:      "a < b & <script>x</script>\nsecond line",
			isText:   true,
			wantSafe: []string{"a &lt; b &amp; &lt;script&gt;", "<br>"},
			banned:   []string{"<script"},
			wantText: "a < b & <script>x</script>\nsecond line",
		},
		{
			name:     "lists and paragraphs give lines",
			raw:      `<p>步骤：</p><ul><li>重启网关</li><li>检查 E-1042</li></ul>`,
			wantText: "步骤：\n重启网关\n检查 E-1042",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			safe, text := Message(tt.raw, tt.isText, opts)
			for _, w := range tt.wantSafe {
				if !strings.Contains(safe, w) {
					t.Errorf("safe HTML lacks %q:\n%s", w, safe)
				}
			}
			for _, b := range tt.banned {
				if strings.Contains(strings.ToLower(safe), strings.ToLower(b)) {
					t.Errorf("safe HTML contains %q:\n%s", b, safe)
				}
			}
			if tt.wantText != "" || tt.name == "system event" {
				if text != tt.wantText {
					t.Errorf("text %q, want %q", text, tt.wantText)
				}
			}
		})
	}
}

// checkSafe parses safe HTML and reports the first element or attribute
// outside the policy.
func checkSafe(safe string) string {
	allowed := map[string]bool{"p": true, "br": true, "div": true, "strong": true, "b": true, "em": true, "i": true, "u": true,
		"s": true, "strike": true, "del": true, "sub": true, "sup": true, "ul": true, "ol": true, "li": true, "blockquote": true,
		"pre": true, "code": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "table": true,
		"thead": true, "tbody": true, "tr": true, "td": true, "th": true, "span": true, "a": true, "img": true}
	nodes, err := html.ParseFragment(strings.NewReader(safe), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return err.Error()
	}
	var bad string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !allowed[n.Data] {
				bad = "element " + n.Data
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "srcdoc", k == "formaction":
					bad = "attribute " + k
				case k == "href" && !regexp.MustCompile(`^(?i)(https?://|mailto:)`).MatchString(a.Val):
					bad = "href " + a.Val
				case k == "href" && strings.HasPrefix(strings.ToLower(a.Val), "http"):
					if u, err := url.Parse(html.UnescapeString(a.Val)); err != nil || !webLinkAllowed(u) {
						bad = "local href " + a.Val
					}
				case k == "href":
					if u, err := url.Parse(html.UnescapeString(a.Val)); err != nil || !mailtoAllowed(u) {
						bad = "mailto href " + a.Val
					}
				case k == "src" && !localImageRE.MatchString(a.Val):
					bad = "src " + a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return bad
}

// FuzzMessage checks that no input yields markup outside the policy.
func FuzzMessage(f *testing.F) {
	for _, s := range []string{`<p>hi</p>`, `<a href="javascript:x">`, `<img src=x onerror=y>`, `<at id="0">x</at>`, `<scr<script>ipt>`,
		`<img src="https://g/hostedContents/abc/$value" onload=x>`, `<a href="/relative">r</a>`,
		`<a href="http://127.0.0.1:8080/">x</a>`, `<a href="http://0x7f.1/">x</a>`, `<a href="mailto:a@b?attach=x&subject=y">m</a>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		safe, _ := Message(raw, false, opts)
		if bad := checkSafe(safe); bad != "" {
			t.Fatalf("%s survived in %q (from %q)", bad, safe, raw)
		}
	})
}

// TestLocalLinksDropped: a link in a message or a card to this machine or
// the local network (browser mode on another port, a router) loses its
// href, in every spelling a browser reads as such an address; links to
// other hosts stay.
func TestLocalLinksDropped(t *testing.T) {
	tests := []struct {
		href string
		keep bool
	}{
		{"https://docs.example.com/a?b=1", true},
		{"http://contoso.example:8080/x", true},
		{"https://8.8.8.8/", true},
		{"https://[2001:db8::1]/", true},
		{"https://172.32.0.1/", true}, // just outside 172.16/12
		{"https://localhost.example.com/", true},
		{"http://127.0.0.1:41234/api/call/System.Info", false},
		{"http://127.9.9.9/", false},
		{"http://localhost:8080/", false},
		{"http://LOCALHOST./", false},
		{"http://app.localhost/", false},
		{"http://[::1]:8080/", false},
		{"http://[::ffff:127.0.0.1]/", false},
		{"http://[::ffff:7f00:1]/", false},
		{"http://[0:0:0:0:0:0:0:1]/", false},
		{"http://[::]/", false},
		{"http://0.0.0.0:8080/", false},
		{"http://0/", false},
		{"http://2130706433/", false},
		{"http://0x7f000001/", false},
		{"http://0x7f.1/", false},
		{"http://127.1/", false},
		{"http://0177.0.0.1/", false},
		{"http://127.0.0.1.:80/", false},
		{"http://１２７.０.０.１/", false},
		{"http://127。0。0。1/", false},
		{"http://%31%32%37.0.0.1/", false},
		{"http://10.1.2.3/", false},
		{"http://172.16.0.1/", false},
		{"http://172.31.255.255/", false},
		{"http://192.168.1.1/", false},
		{"http://169.254.169.254/latest/meta-data/", false},
		{"http://[fc00::1]/", false},
		{"http://[fd12:3456::1]/", false},
		{"http://[fe80::1]/", false},
		{"http://224.0.0.1/", false},
		{"http://user:pw@docs.example.com/", false},
		{"http://999.1.1.1/", false},   // a number browsers refuse
		{"http://1.2.3.4.5/", false},   // likewise
		{"http://0x100000000/", false}, // likewise
	}
	for _, tt := range tests {
		t.Run(tt.href, func(t *testing.T) {
			safe, _ := Message(`<p><a href="`+tt.href+`">link</a></p>`, false, opts)
			if kept := strings.Contains(safe, "href="); kept != tt.keep {
				t.Errorf("message: %s; want href kept %v", safe, tt.keep)
			}
			if !strings.Contains(safe, "link") {
				t.Errorf("message lost the link text: %s", safe)
			}
			if !strings.HasPrefix(tt.href, "https://") {
				return
			}
			card, _, _ := Card("application/vnd.microsoft.card.adaptive",
				`{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"x"}],"actions":[{"type":"Action.OpenUrl","title":"open","url":"`+tt.href+`"}]}`)
			if kept := strings.Contains(card, "href="); kept != tt.keep {
				t.Errorf("card: %s; want href kept %v", card, tt.keep)
			}
		})
	}
	for _, href := range []string{"https://127.0.0.1:9/", "https://192.168.0.1/", "https://localhost/"} {
		card, _, _ := Card("application/vnd.microsoft.card.adaptive",
			`{"type":"AdaptiveCard","body":[],"actions":[{"type":"Action.OpenUrl","title":"open","url":"`+href+`"}]}`)
		if strings.Contains(card, "href=") {
			t.Errorf("card kept %s: %s", href, card)
		}
	}
}

// TestMailtoKeepsAddressSubjectBody: mail clients honour attach=, cc= and
// bcc= in mailto: links; only the address, subject and body are kept.
func TestMailtoKeepsAddressSubjectBody(t *testing.T) {
	tests := []struct{ href, want string }{
		{"mailto:a@b.cn", `href="mailto:a@b.cn"`},
		{"mailto:a@b.cn?subject=Hi&body=Two%20words", `href="mailto:a@b.cn?subject=Hi&amp;body=Two%20words"`},
		{"mailto:a@b.cn?attach=/etc/passwd", `href="mailto:a@b.cn"`},
		{"mailto:a@b.cn?Subject=x&ATTACH=~/.ssh/id_rsa&cc=c@d.cn&bcc=e@f.cn&body=y", `href="mailto:a@b.cn?subject=x&amp;body=y"`},
		{"mailto:a@b.cn?to=evil@x.cn&subject=s", `href="mailto:a@b.cn?subject=s"`},
		{"MAILTO:a@b.cn?attachment=x", `href="mailto:a@b.cn"`},
	}
	for _, tt := range tests {
		t.Run(tt.href, func(t *testing.T) {
			safe, _ := Message(`<p><a href="`+tt.href+`">mail</a></p>`, false, opts)
			if !strings.Contains(safe, tt.want) {
				t.Errorf("%s: got %s, want %s", tt.href, safe, tt.want)
			}
			for _, bad := range []string{"attach", "cc=", "to=", "passwd"} {
				if strings.Contains(strings.ToLower(safe), bad) {
					t.Errorf("%s survived: %s", bad, safe)
				}
			}
		})
	}
}

// TestCaseLinks: case numbers in a message's text become links to the
// address the caller gives, outside links and code, after sanitizing;
// without CaseLink nothing changes.
func TestCaseLinks(t *testing.T) {
	link := func(n string) string { return "#/records/incidents/" + n }
	cases := []struct {
		name, raw string
		text      bool
		want      string
	}{
		{"one", `<p>See CAS-01296-ABC123 please</p>`, false, `<p>See <a class="record-ref" href="#/records/incidents/CAS-01296-ABC123">CAS-01296-ABC123</a> please</p>`},
		{"two and lower case", `<p>cas-00001-aaaaaa, CAS-00002-BBBBBB</p>`, false,
			`<p><a class="record-ref" href="#/records/incidents/CAS-00001-AAAAAA">cas-00001-aaaaaa</a>, <a class="record-ref" href="#/records/incidents/CAS-00002-BBBBBB">CAS-00002-BBBBBB</a></p>`},
		{"nested", `<p><b>CAS-01296-ABC123</b></p>`, false, `<p><b><a class="record-ref" href="#/records/incidents/CAS-01296-ABC123">CAS-01296-ABC123</a></b></p>`},
		{"in a link", `<p><a href="https://contoso.crm.dynamics.com/x">CAS-01296-ABC123</a></p>`, false,
			`<p><a href="https://contoso.crm.dynamics.com/x" rel="nofollow noreferrer noopener" target="_blank">CAS-01296-ABC123</a></p>`},
		{"in code", `<pre><code>CAS-01296-ABC123</code></pre>`, false, `<pre><code>CAS-01296-ABC123</code></pre>`},
		{"hostile around it", `<p onclick="x()">CAS-01296-ABC123<script>alert(1)</script></p>`, false,
			`<p><a class="record-ref" href="#/records/incidents/CAS-01296-ABC123">CAS-01296-ABC123</a></p>`},
		{"not a number", `<p>CAS-1296-ABC123 and XCAS-01296-ABC123</p>`, false, `<p>CAS-1296-ABC123 and XCAS-01296-ABC123</p>`},
		{"plain text", "case CAS-01296-ABC123\n<b>", true, `<p>case <a class="record-ref" href="#/records/incidents/CAS-01296-ABC123">CAS-01296-ABC123</a><br/>&lt;b&gt;</p>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, text := Message(c.raw, c.text, Options{CaseLink: link})
			if got != c.want {
				t.Errorf("Message(%q):\n got %s\nwant %s", c.raw, got, c.want)
			}
			plain, plainText := Message(c.raw, c.text, Options{})
			if text != plainText || strings.Contains(plain, "record-ref") {
				t.Errorf("without CaseLink: %s / text %q vs %q", plain, plainText, text)
			}
		})
	}
}
