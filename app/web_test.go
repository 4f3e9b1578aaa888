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

var assets = fstest.MapFS{
	"index.html":       {Data: []byte("<!doctype html><title>Rapport</title>")},
	"assets/index.js":  {Data: []byte("console.log(1)")},
	"assets/index.css": {Data: []byte("body{}")},
}

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

// bootstrap exchanges the key in url for the session token, as the
// frontend does.
func bootstrap(t *testing.T, srv *httptest.Server, url string) (int, string) {
	t.Helper()
	key := url[strings.Index(url, "?k=")+3:]
	resp := do(t, srv, "POST", "/api/session", nil, `{"key":"`+key+`"}`)
	var b struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&b)
	return resp.StatusCode, b.Token
}

// session is the header of a tab that has bootstrapped.
func session(t *testing.T, ws *webServer, srv *httptest.Server) map[string]string {
	t.Helper()
	status, token := bootstrap(t, srv, ws.URL())
	if status != 200 || token == "" {
		t.Fatalf("bootstrap: %d %q", status, token)
	}
	return map[string]string{sessionHeader: token}
}

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestGuard(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	auth := session(t, ws, srv)
	host := "127.0.0.1:" + ws.port
	tests := []struct {
		name   string
		method string
		path   string
		hdr    map[string]string
		want   int
	}{
		{"the app needs no key", "GET", "/", nil, 200},
		{"nor its assets", "GET", "/assets/index.js", nil, 200},
		{"no session, call", "POST", "/api/call/System.Info", nil, 401},
		{"no session, events", "GET", "/api/events", nil, 401},
		{"no session, new key", "POST", "/api/session/key", nil, 401},
		{"wrong session", "POST", "/api/call/System.Info", map[string]string{sessionHeader: "nope"}, 401},
		{"session", "POST", "/api/call/System.Info", auth, 200},
		{"localhost host", "GET", "/", map[string]string{"Host": "localhost:" + ws.port}, 200},
		{"foreign host", "GET", "/", map[string]string{"Host": "evil.example:" + ws.port}, 403},
		{"foreign host, call", "POST", "/api/call/System.Info", with(auth, "Host", "evil.example:"+ws.port), 403},
		{"other port", "GET", "/", map[string]string{"Host": "127.0.0.1:1"}, 403},
		{"same origin", "POST", "/api/call/System.Info", with(auth, "Origin", "http://"+host), 200},
		{"foreign origin", "POST", "/api/call/System.Info", with(auth, "Origin", "http://evil.example"), 403},
		{"https origin", "POST", "/api/call/System.Info", with(auth, "Origin", "https://"+host), 403},
		{"null origin", "POST", "/api/call/System.Info", with(auth, "Origin", "null"), 403},
		{"cross-site fetch", "POST", "/api/call/System.Info", with(auth, "Sec-Fetch-Site", "cross-site"), 403},
		{"directory listing", "GET", "/assets/", nil, 404},
		{"directory without slash", "GET", "/assets", nil, 301},
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
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
		})
	}
}

// TestBootstrapKeyWorksOnce: the printed URL's key opens one session and
// is then forgotten; a signed-in tab can ask for another one-time URL.
// No response sets a cookie, and no cookie opens the API: browsers send
// cookies for 127.0.0.1 to every port.
func TestBootstrapKeyWorksOnce(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	key := ws.URL()[strings.Index(ws.URL(), "?k=")+3:]
	page := do(t, srv, "GET", "/?k="+key, nil, "")
	if page.StatusCode != 200 || len(page.Cookies()) > 0 {
		t.Fatalf("GET /?k=: %d, cookies %v", page.StatusCode, page.Cookies())
	}
	status, token := bootstrap(t, srv, ws.URL())
	if status != 200 || len(token) != 64 || strings.Contains(ws.URL(), token) {
		t.Fatalf("first use: %d %q", status, token)
	}
	auth := map[string]string{sessionHeader: token}
	tests := []struct {
		name   string
		method string
		path   string
		hdr    map[string]string
		body   string
		want   int
	}{
		{"the key again", "POST", "/api/session", nil, `{"key":"` + key + `"}`, 403},
		{"another key", "POST", "/api/session", nil, `{"key":"` + strings.Repeat("0", 64) + `"}`, 403},
		{"no key", "POST", "/api/session", nil, `{}`, 403},
		{"not JSON", "POST", "/api/session", nil, key, 403},
		{"the key as a cookie", "POST", "/api/call/System.Info", map[string]string{"Cookie": "rapport_" + ws.port + "=" + key}, "[]", 401},
		{"the token as a cookie", "POST", "/api/call/System.Info", map[string]string{"Cookie": "rapport_" + ws.port + "=" + token}, "[]", 401},
		{"the key as a parameter", "POST", "/api/call/System.Info?k=" + key, nil, "[]", 401},
		{"the key as the header", "POST", "/api/call/System.Info", map[string]string{sessionHeader: key}, "[]", 401},
		{"the token", "POST", "/api/call/System.Info", auth, "[]", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, srv, tt.method, tt.path, tt.hdr, tt.body)
			if resp.StatusCode != tt.want {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, b)
			}
			if len(resp.Cookies()) > 0 {
				t.Fatalf("sets cookies %v", resp.Cookies())
			}
		})
	}
	// Another tab: a fresh URL from a signed-in one, good once.
	resp := do(t, srv, "POST", "/api/session/key", auth, "")
	var b struct{ URL string }
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil || !strings.HasPrefix(b.URL, "http://127.0.0.1:"+ws.port+"/?k=") {
		t.Fatalf("new key: %d %+v %v", resp.StatusCode, b, err)
	}
	if status, got := bootstrap(t, srv, b.URL); status != 200 || got != token {
		t.Fatalf("new key: %d %q", status, got)
	}
	if status, _ := bootstrap(t, srv, b.URL); status != 403 {
		t.Fatalf("new key twice: %d", status)
	}
}

func TestRPC(t *testing.T) {
	ws, srv, _ := newTestServer(t)
	auth := session(t, ws, srv)
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
	auth := session(t, ws, srv)
	req.Header.Set(sessionHeader, auth[sessionHeader])
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
	set := do(t, srv, "POST", "/api/call/Settings.Set", auth, `[{"language":"fr","theme":"light"}]`)
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
	_, srv, core := newTestServer(t)
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
	img := core.hostedURL("19:c@thread.v2", "1", "img")
	tok, mac, _ := strings.Cut(strings.TrimPrefix(img, "/hosted/"), "/")
	other := newCore(Config{DataDir: t.TempDir()}, "browser", "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	tests := []struct {
		name   string
		path   string
		status int
		ctype  string
	}{
		{"image, no session needed", img, 200, "image/png"},
		{"not an image", core.hostedURL("19:c@thread.v2", "1", "html"), 415, ""},
		{"missing", core.hostedURL("19:c@thread.v2", "1", "nope"), 404, ""},
		{"no MAC", "/hosted/" + tok, 404, ""},
		{"empty MAC", "/hosted/" + tok + "/", 404, ""},
		{"another image's MAC", "/hosted/" + strings.Split(core.hostedURL("19:c@thread.v2", "1", "html"), "/")[2] + "/" + mac, 404, ""},
		{"another launch's MAC", other.hostedURL("19:c@thread.v2", "1", "img"), 404, ""},
		{"garbage token", "/hosted/not-base64!/" + mac, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, srv, "GET", tt.path, nil, "")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
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

func TestHTTPServerTimeouts(t *testing.T) {
	srv := httpServer(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "IdleTimeout": srv.IdleTimeout} {
		if d <= 0 || d > 5*time.Minute {
			t.Errorf("%s = %v, want between 0 and 5 minutes", name, d)
		}
	}
}
