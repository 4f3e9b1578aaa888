package app

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/sync/engine"
)

func TestMainExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantStderr string
	}{
		{"version", []string{"version"}, 0, "rapport test", ""},
		{"help", []string{"help"}, 0, "", "rapport serve"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--nope"}, 2, "", "flag provided but not defined"},
		{"stray argument", []string{"version", "extra"}, 2, "", `unexpected argument "extra"`},
		{"unknown cloud", []string{"serve", "--cloud", "mars"}, 2, "", `unknown cloud "mars"`},
		{"http graph url", []string{"serve", "--graph-url", "http://graph.example"}, 2, "", "must start with https://"},
		{"missing CA file", []string{"serve", "--ca-file", "/nonexistent.pem"}, 2, "", "read CA file"},
		{"non-loopback addr", []string{"serve", "--addr", "0.0.0.0:0"}, 1, "", "loopback only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append(tt.args, "--data-dir", t.TempDir())
			if tt.name == "version" || tt.name == "help" || tt.name == "stray argument" {
				args = tt.args
			}
			code := Main(args, fstest.MapFS{}, "test", &out, &errb)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, errb.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errb.String(), tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.wantStderr)
			}
		})
	}
}

func TestEnvironmentDefaults(t *testing.T) {
	t.Setenv("RAPPORT_CLOUD", "china")
	t.Setenv("RAPPORT_DATAVERSE_URL", "https://org.crm.dynamics.cn")
	t.Setenv("RAPPORT_DATA_DIR", "/tmp/from-env")
	var c Config
	fs := newFlagSet(&c)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if c.Cloud != "china" || c.Overrides.Dataverse != "https://org.crm.dynamics.cn" || c.DataDir != "/tmp/from-env" {
		t.Fatalf("config from env: %+v", c)
	}
	if err := fs.Parse([]string{"--cloud", "usgov"}); err != nil || c.Cloud != "usgov" {
		t.Fatalf("flag did not override env: %+v %v", c, err)
	}
}

func TestDefaultDataDirFollowsXDG(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/home/u/.data")
	if got := defaultDataDir(); got != "/home/u/.data/rapport" {
		t.Fatalf("got %q", got)
	}
	t.Setenv("XDG_DATA_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/u")
	if got := defaultDataDir(); got != "/home/u/.local/share/rapport" {
		t.Fatalf("got %q", got)
	}
}

func TestOSLocale(t *testing.T) {
	tests := []struct{ lcAll, lcMessages, lang, want string }{
		{"", "", "zh_CN.UTF-8", "zh-CN"},
		{"", "fr_FR.UTF-8", "en_US.UTF-8", "fr-FR"},
		{"en_GB.UTF-8@euro", "fr_FR", "zh_CN", "en-GB"},
		{"C", "", "", ""},
		{"", "", "POSIX", ""},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", tt.lcMessages)
		t.Setenv("LANG", tt.lang)
		if got := osLocale(); got != tt.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: got %q, want %q", tt.lcAll, tt.lcMessages, tt.lang, got, tt.want)
		}
	}
}

func TestHubDropsSlowSubscriber(t *testing.T) {
	h := newHub()
	slow, _ := h.Subscribe()
	fast, unsub := h.Subscribe()
	defer unsub()
	for i := 0; i < 100; i++ {
		h.Emit("e", i)
		<-fast
	}
	n := 0
	for range slow { // closed after its buffer filled
		n++
	}
	if n != 64 {
		t.Fatalf("slow subscriber got %d buffered events before being dropped, want 64", n)
	}
	h.close()
	if _, ok := <-fast; ok {
		t.Fatal("close left a subscription open")
	}
}

func TestProgressLineNeverSaysZeroErrors(t *testing.T) {
	p := engine.Progress{Phase: "messages", Done: 3, Total: 9, Messages: 40, Started: time.Now()}
	if line := progressLine(p); strings.Contains(line, "error") {
		t.Fatalf("no errors, yet: %s", line)
	}
	p.Errors = 1
	if line := progressLine(p); !strings.Contains(line, ", 1 error") || strings.Contains(line, "1 errors") {
		t.Fatalf("one error: %s", line)
	}
	p.Errors = 3
	if line := progressLine(p); !strings.Contains(line, ", 3 errors") {
		t.Fatalf("three errors: %s", line)
	}
}
