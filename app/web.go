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
	"time"
)

// CSP is the Content-Security-Policy of every page, in both modes. The
// built index.html carries the same policy in a meta tag for the window.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; frame-src 'none'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// secretParam is the URL parameter that carries the launch secret once.
const secretParam = "k"

// webServer is browser mode: the UI and the services over HTTP on loopback.
type webServer struct {
	core   *Core
	secret string
	port   string
	cookie string
	assets http.Handler
	rpc    *rpc
}

func newWebServer(core *Core, assets fs.FS, port string) (*webServer, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("make launch secret: %w", err)
	}
	return &webServer{
		core:   core,
		secret: hex.EncodeToString(b),
		port:   port,
		cookie: "rapport_" + port,
		assets: http.FileServerFS(assets),
		rpc:    newRPC(core.services()),
	}, nil
}

// URL is the address to open, secret included.
func (s *webServer) URL() string {
	return "http://127.0.0.1:" + s.port + "/?" + secretParam + "=" + s.secret
}

func (s *webServer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/call/", s.rpc)
	mux.HandleFunc("GET /api/events", s.serveEvents)
	mux.HandleFunc("GET /hosted/", s.core.serveHosted)
	mux.Handle("/", s.assets)
	return s.guard(mux)
}

// guard refuses anything that is not this launch's UI talking to us:
// a non-loopback Host (DNS rebinding), a foreign Origin or a cross-site
// fetch (CSRF), or a request without the secret.
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
		if !strings.HasPrefix(r.URL.Path, "/hosted/") {
			h.Set("Cache-Control", "no-store")
		}
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
		if k := r.URL.Query().Get(secretParam); k != "" {
			if !s.validSecret(k) {
				forbid(w, "wrong key: open the URL that `rapport serve` printed")
				return
			}
			http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: s.secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			if r.Method == http.MethodGet && r.URL.Path == "/" {
				// Drop the secret from the address bar and history.
				http.Redirect(w, r, "/", http.StatusSeeOther)
				return
			}
		} else if c, err := r.Cookie(s.cookie); err != nil || !s.validSecret(c.Value) {
			forbid(w, "missing key: open the URL that `rapport serve` printed")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *webServer) validSecret(k string) bool {
	return subtle.ConstantTimeCompare([]byte(k), []byte(s.secret)) == 1
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

// serveEvents streams hub events as Server-Sent Events until the client
// goes away or Rapport shuts down.
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
	srv := &http.Server{Handler: ws.Handler(), ReadHeaderTimeout: 10 * time.Second}
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
