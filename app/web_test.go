package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/storage"
)

var assets = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Rapport</title>")}}

// newTestServer runs browser mode's handler on a real loopback listener
// with a real store.
func newTestServer(t *testing.T) (*webServer, *httptest.Server, *Core) {
	t.Helper()
	core := newCore(Config{DataDir: t.TempDir(), Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if db, err := core.store(); err == nil {
			if err := db.Check(); err != nil {
				t.Errorf("store check: %v", err)
			}
		}
		core.Close()
	})
	srv := httptest.NewUnstartedServer(nil)
	port := strings.TrimPrefix(srv.Listener.Addr().String(), "127.0.0.1:")
	ws, err := newWebServer(core, assets, port)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = ws.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	return ws, srv, core
}

func do(t *testing.T, srv *httptest.Server, method, path string, hdr map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestGuard(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	cookie := ws.cookie + "=" + ws.secret
	host := "127.0.0.1:" + ws.port
	tests := []struct {
		name   string
		method string
		path   string
		hdr    map[string]string
		want   int
	}{
		{"no secret", "GET", "/", nil, 403},
		{"no secret, asset", "GET", "/index.html", nil, 403},
		{"no secret, call", "POST", "/api/call/System.Info", nil, 403},
		{"wrong secret", "GET", "/?k=nope", nil, 403},
		{"wrong cookie", "GET", "/", map[string]string{"Cookie": ws.cookie + "=nope"}, 403},
		{"secret redirects to clean URL", "GET", "/?k=" + ws.secret, nil, 303},
		{"cookie", "GET", "/", map[string]string{"Cookie": cookie}, 200},
		{"localhost host", "GET", "/", map[string]string{"Cookie": cookie, "Host": "localhost:" + ws.port}, 200},
		{"foreign host", "GET", "/", map[string]string{"Cookie": cookie, "Host": "evil.example:" + ws.port}, 403},
		{"other port", "GET", "/", map[string]string{"Cookie": cookie, "Host": "127.0.0.1:1"}, 403},
		{"same origin", "POST", "/api/call/System.Info", map[string]string{"Cookie": cookie, "Origin": "http://" + host}, 200},
		{"foreign origin", "POST", "/api/call/System.Info", map[string]string{"Cookie": cookie, "Origin": "http://evil.example"}, 403},
		{"https origin", "POST", "/api/call/System.Info", map[string]string{"Cookie": cookie, "Origin": "https://" + host}, 403},
		{"null origin", "POST", "/api/call/System.Info", map[string]string{"Cookie": cookie, "Origin": "null"}, 403},
		{"cross-site fetch", "POST", "/api/call/System.Info", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, srv, tt.method, tt.path, tt.hdr, "[]")
			if resp.StatusCode != tt.want {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, b)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); csp != CSP {
				t.Errorf("CSP header %q", csp)
			}
		})
	}
}

func TestSecretSetsStrictCookie(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	resp := do(t, srv, "GET", "/?k="+ws.secret, nil, "")
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("redirect to %q, want /", loc)
	}
	var c *http.Cookie
	for _, x := range resp.Cookies() {
		if x.Name == ws.cookie {
			c = x
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Value != ws.secret {
		t.Fatalf("cookie %+v", c)
	}
}

func TestRPC(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	auth := map[string]string{"Cookie": ws.cookie + "=" + ws.secret}
	tests := []struct {
		name     string
		method   string
		path     string
		body     string
		want     int
		wantCode string
		wantBody string
	}{
		{"info", "POST", "/api/call/System.Info", "[]", 200, "", `"mode":"browser"`},
		{"empty body means no args", "POST", "/api/call/Settings.Get", "", 200, "", `"language":"auto"`},
		{"set", "POST", "/api/call/Settings.Set", `[{"language":"zh-CN","theme":"dark"}]`, 200, "", `"language":"zh-CN"`},
		{"bad value", "POST", "/api/call/Settings.Set", `[{"language":"de","theme":"dark"}]`, 400, "invalid_argument", "language"},
		{"unknown field", "POST", "/api/call/Settings.Set", `[{"language":"en","theme":"dark","x":1}]`, 400, "invalid_argument", "unknown field"},
		{"too many args", "POST", "/api/call/Settings.Get", `[1]`, 400, "invalid_argument", "want 0 arguments"},
		{"not an array", "POST", "/api/call/Settings.Get", `{}`, 400, "invalid_argument", "JSON array"},
		{"unknown method", "POST", "/api/call/System.Format", "[]", 404, "not_found_method", "System.Format"},
		{"GET refused", "GET", "/api/call/System.Info", "", 405, "method_not_allowed", ""},
		{"ui ready needs sections", "POST", "/api/call/System.UIReady", `[{"sections":[]}]`, 400, "invalid_argument", "no sections"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, srv, tt.method, tt.path, auth, tt.body)
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, b)
			}
			if tt.wantCode != "" {
				var e Error
				if err := json.Unmarshal(b, &e); err != nil || e.Code != tt.wantCode {
					t.Fatalf("error body %s, want code %s", b, tt.wantCode)
				}
			}
			if !strings.Contains(string(b), tt.wantBody) {
				t.Fatalf("body %s lacks %q", b, tt.wantBody)
			}
		})
	}
}

func TestEventsReachSSE(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/events", nil)
	req.Header.Set("Cookie", ws.cookie+"="+ws.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	if line, _ := r.ReadString('\n'); line != ": connected\n" {
		t.Fatalf("first line %q", line)
	}
	r.ReadString('\n')
	set := do(t, srv, "POST", "/api/call/Settings.Set", map[string]string{"Cookie": ws.cookie + "=" + ws.secret}, `[{"language":"fr","theme":"light"}]`)
	if set.StatusCode != 200 {
		t.Fatalf("set: %d", set.StatusCode)
	}
	ev, _ := r.ReadString('\n')
	data, _ := r.ReadString('\n')
	if ev != "event: settings:changed\n" || data != "data: {\"language\":\"fr\",\"theme\":\"light\"}\n" {
		t.Fatalf("got %q %q", ev, data)
	}
}

func TestStoreUnavailableIsReportedNotFatal(t *testing.T) {
	dir := t.TempDir()
	holder, err := storage.Open(context.Background(), dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	core := newCore(Config{DataDir: dir, Cloud: "global"}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer core.Close()
	if err := core.openStore(); err == nil {
		t.Fatal("second open of a held store succeeded")
	}
	info, err := core.System.Info()
	if err != nil {
		t.Fatalf("Info: %v", err)
	}
	if info.StoreError == nil || info.StoreError.Code != "store_locked" {
		t.Fatalf("StoreError = %+v, want store_locked", info.StoreError)
	}
	if _, err := core.Settings.Get(); toError(err).Code != "store_locked" {
		t.Fatalf("Settings.Get error %v, want store_locked", err)
	}
}

func TestHostedImages(t *testing.T) {
	ws, srv, core := newTestServer(t)
	db, _ := core.store()
	png := placeholderPNGBytes()
	if err := db.Apply(context.Background(), func(w *storage.Writer) error {
		if err := w.PutHosted("19:c@thread.v2", "1", "img", png); err != nil {
			return err
		}
		return w.PutHosted("19:c@thread.v2", "1", "html", []byte("<html><script>alert(1)</script></html>"))
	}); err != nil {
		t.Fatal(err)
	}
	auth := map[string]string{"Cookie": ws.cookie + "=" + ws.secret}
	tests := []struct {
		name   string
		path   string
		hdr    map[string]string
		status int
		ctype  string
	}{
		{"image", "/hosted/" + hostedToken("19:c@thread.v2", "1", "img"), auth, 200, "image/png"},
		{"not an image", "/hosted/" + hostedToken("19:c@thread.v2", "1", "html"), auth, 415, ""},
		{"missing", "/hosted/" + hostedToken("19:c@thread.v2", "1", "nope"), auth, 404, ""},
		{"garbage token", "/hosted/not-base64!", auth, 404, ""},
		{"no secret", "/hosted/" + hostedToken("19:c@thread.v2", "1", "img"), nil, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, srv, "GET", tt.path, tt.hdr, "")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

// placeholderPNGBytes is a 1×1 PNG.
func placeholderPNGBytes() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	return buf.Bytes()
}
