package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CSP is the Content-Security-Policy of every page, in both modes. The
// built index.html carries the same policy in a meta tag for the window.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; frame-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// keyParam is the URL parameter that carries a one-time bootstrap key.
const keyParam = "k"

// sessionHeader carries the session token on every API call.
const sessionHeader = "X-Rapport-Session"

// webServer is browser mode: the UI and the services over HTTP on loopback.
//
// Nothing a browser sends on its own (a cookie, HTTP authentication)
// opens the API: browsers send cookies for 127.0.0.1 to every port, so
// any local server a link or a page reached would have received them.
// Instead, the printed URL carries a one-time bootstrap key (?k=), which
// the page exchanges (POST /api/session) for the launch's session token;
// the server forgets the key at once. The frontend keeps the token in
// sessionStorage (per origin, so per port, and per tab) and sends it in
// the X-Rapport-Session header; /hosted/ images carry an HMAC instead
// (Core.hostedURL).
type webServer struct {
	core    *Core
	port    string
	url     string // the first bootstrap URL, to print
	session string // the launch's session token
	assets  http.Handler
	rpc     *rpc

	mu   sync.Mutex
	keys map[string]bool // bootstrap keys not used yet
}

func newWebServer(core *Core, assets fs.FS, port string) (*webServer, error) {
	session, err := randomToken()
	if err != nil {
		return nil, fmt.Errorf("make session token: %w", err)
	}
	s := &webServer{
		core:    core,
		port:    port,
		session: session,
		assets:  noListing(http.FileServerFS(assets)),
		rpc:     newRPC(core.services()),
		keys:    map[string]bool{},
	}
	if s.url, err = s.newKeyURL(); err != nil {
		return nil, err
	}
	return s, nil
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// newKeyURL makes a bootstrap key and returns the URL that carries it.
func (s *webServer) newKeyURL() (string, error) {
	k, err := randomToken()
	if err != nil {
		return "", fmt.Errorf("make bootstrap key: %w", err)
	}
	s.mu.Lock()
	s.keys[k] = true
	s.mu.Unlock()
	return "http://127.0.0.1:" + s.port + "/?" + keyParam + "=" + k, nil
}

// useKey reports whether k is a bootstrap key not used yet, and forgets it.
func (s *webServer) useKey(k string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key := range s.keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(key)) == 1 {
			delete(s.keys, key)
			return true
		}
	}
	return false
}

// URL is the address to open, with a bootstrap key that works once.
func (s *webServer) URL() string { return s.url }

func (s *webServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", s.serveSession)
	mux.Handle("POST /api/session/key", s.authorized(http.HandlerFunc(s.serveNewKey)))
	mux.Handle("/api/call/", s.authorized(s.rpc))
	mux.Handle("GET /api/events", s.authorized(http.HandlerFunc(s.serveEvents)))
	mux.HandleFunc("GET /hosted/", s.core.serveHosted) // the URL's HMAC is the credential
	mux.Handle("/", s.assets)                          // the app itself: no secret in it
	return s.guard(mux)
}

// guard refuses anything that is not this launch's UI talking to us:
// a non-loopback Host (DNS rebinding), a foreign Origin or a cross-site
// fetch (CSRF). The API checks the session token besides (authorized).
func (s *webServer) guard(next http.Handler) http.Handler {
	hosts := map[string]bool{"127.0.0.1:" + s.port: true, "localhost:" + s.port: true, "[::1]:" + s.port: true}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if !hosts[r.Host] {
			forbid(w, "this server answers only on 127.0.0.1:"+s.port)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !hosts[trimScheme(o)] {
			forbid(w, "requests from other sites are refused")
			return
		}
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			forbid(w, "requests from other sites are refused")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authorized lets through requests that carry the session token.
func (s *webServer) authorized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(sessionHeader)), []byte(s.session)) != 1 {
			writeError(w, Error{Code: "unauthenticated", Message: "this tab has no key: open the URL that `rapport serve` printed (each URL works once)"}, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serveSession exchanges a bootstrap key, once, for the session token.
func (s *webServer) serveSession(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Key string `json:"key"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1024)).Decode(&req); err != nil || !s.useKey(req.Key) {
		writeError(w, Error{Code: "unauthenticated", Message: "this key is not valid (any more): each URL that `rapport serve` prints works once"}, http.StatusForbidden)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": s.session})
}

// serveNewKey gives a signed-in tab a fresh one-time URL, to open
// Rapport in another tab or browser.
func (s *webServer) serveNewKey(w http.ResponseWriter, _ *http.Request) {
	u, err := s.newKeyURL()
	if err != nil {
		writeError(w, toError(err), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"url": u})
}

// noListing refuses directory paths other than "/": the file server would
// list them.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" && strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func trimScheme(origin string) string {
	const p = "http://"
	if len(origin) > len(p) && origin[:len(p)] == p {
		return origin[len(p):]
	}
	return "" // https or anything else is never us
}

func forbid(w http.ResponseWriter, why string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	io.WriteString(w, "403 Forbidden: "+why+"\n")
}

// serveEvents streams hub events in the Server-Sent Events format until
// the client goes away or Rapport shuts down. The frontend reads it with
// fetch (which can send the session header; EventSource cannot).
func (s *webServer) serveEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	events, unsubscribe := s.core.events.Subscribe()
	defer unsubscribe()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, ": connected\n\n")
	fl.Flush()
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.core.ctx.Done():
			return
		case <-ping.C:
			io.WriteString(w, ": ping\n\n")
			fl.Flush()
		case ev, ok := <-events:
			if !ok {
				return
			}
			data, err := json.Marshal(ev.Data)
			if err != nil {
				s.core.log.Error("encode event", "event", ev.Name, "err", err)
				continue
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Name, data)
			fl.Flush()
		}
	}
}

// checkLoopback accepts only loopback listen addresses.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: --addr %q: %w", errInvalid, addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%w: --addr %q: Rapport listens on loopback only (127.0.0.1)", errInvalid, addr)
	}
	return nil
}

// listenLoopback listens on addr, which must be a loopback address.
func listenLoopback(addr string) (net.Listener, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// httpServer is browser mode's server: slow or idle clients do not keep
// connections (and goroutines) open. No WriteTimeout: event streams last.
func httpServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
}

// serve runs browser mode until ctx ends.
func serve(ctx context.Context, cfg Config, addr string, assets fs.FS, version string, log *slog.Logger, stdout io.Writer, setup func(*Core)) error {
	ln, err := listenLoopback(addr)
	if err != nil {
		return err
	}
	core := newCore(cfg, ModeBrowser, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		// Keep serving: the UI explains the problem (for example another
		// Rapport holding the store) instead of a dead page.
		log.Warn("serving without a store", "err", err)
	} else if err := core.openIndex(); err != nil {
		log.Warn("serving without search", "err", err)
	}
	if setup != nil {
		setup(core)
	}
	core.schedule(syncInterval)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ws, err := newWebServer(core, assets, port)
	if err != nil {
		ln.Close()
		return err
	}
	srv := httpServer(ws.Handler())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "Rapport is running in browser mode. Open:\n%s\n", ws.URL())
	log.Info("browser mode", "addr", ln.Addr().String(), "data_dir", cfg.DataDir)
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	core.cancel() // end event streams so Shutdown does not wait on them
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
