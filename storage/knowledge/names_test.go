package knowledge_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rapport-app/rapport/storage/knowledge"
)

func TestSafeName(t *testing.T) {
	cases := []struct{ base, ext, want string }{
		{"knowledge-2026-03", ".md", "knowledge-2026-03.md"},
		{"../../etc/passwd", ".md", "etc-passwd.md"},
		{`..\..\Windows\win.ini`, ".html", "Windows-win.ini.html"},
		{"CON", ".md", "_CON.md"},
		{"nul", ".html", "_nul.html"},
		{"com1.txt", ".md", "_com1.txt.md"},
		{"LPT9", "", "_LPT9"},
		{"CONTOSO", ".md", "CONTOSO.md"},
		{"a<b>c:d\"e|f?g*h", ".md", "a-b-c-d-e-f-g-h.md"},
		{"tab\there\x00nul\x1fend", ".md", "tab-here-nul-end.md"},
		{"  . trailing dots . ", ".md", "trailing-dots.md"},
		{"...", ".md", "archive.md"},
		{"", ".md", "archive.md"},
		{"上海华信 科技/付款", ".md", "上海华信-科技-付款.md"},
		{"Société Générale", ".md", "Société-Générale.md"},
		{"e\u0301te\u0301", ".md", "été.md"}, // NFC
		{"rtl\u202eexe.md", ".html", "rtl-exe.md.html"},
	}
	for _, c := range cases {
		if got := knowledge.SafeName(c.base, c.ext); got != c.want {
			t.Errorf("SafeName(%q, %q) = %q, want %q", c.base, c.ext, got, c.want)
		}
	}
	long := knowledge.SafeName(strings.Repeat("付款", 80), ".html")
	if len(long) > knowledge.MaxName || !utf8.ValidString(long) || !strings.HasSuffix(long, "款.html") && !strings.HasSuffix(long, "付.html") {
		t.Fatalf("long name %q (%d bytes)", long, len(long))
	}
}
