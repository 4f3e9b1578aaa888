package content

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var opts = Options{Hosted: func(id string) string { return "/hosted/" + id }}

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
			wantSafe: []string{`<img src="/hosted/aWQ9abc" alt="image" width="250" height="180"`, "[image]"},
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
		`<img src="https://g/hostedContents/abc/$value" onload=x>`, `<a href="/relative">r</a>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		safe, _ := Message(raw, false, opts)
		if bad := checkSafe(safe); bad != "" {
			t.Fatalf("%s survived in %q (from %q)", bad, safe, raw)
		}
	})
}
