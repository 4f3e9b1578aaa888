package tenantsim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault kinds the tenant can inject into Graph and Dataverse calls.
const (
	Fault429        = "429"        // 429 with Retry-After in seconds
	Fault429Date    = "429date"    // 429 with Retry-After as an HTTP date
	Fault429None    = "429none"    // 429 without Retry-After
	Fault500        = "500"        // 500 before anything is applied
	Fault502        = "502"        // 502 before anything is applied
	Fault503        = "503"        // 503 before anything is applied
	Fault504        = "504"        // 504 before anything is applied
	Fault503After   = "503after"   // writes: applied, then 503 (the outcome is unknown to the client)
	FaultHang       = "hang"       // no answer until the client gives up
	FaultReset      = "reset"      // connection closed without an answer
	FaultTruncate   = "truncate"   // half a body, then the connection closes
	FaultEmptyPage  = "emptypage"  // an empty page that still links onward
	FaultDuplicates = "duplicates" // the next page repeats items already sent
	FaultExpire     = "expire"     // delta tokens are refused with 410
	Fault401        = "401"        // the access token is refused mid-run
)

var faultKinds = []string{Fault429, Fault429Date, Fault429None, Fault500, Fault502, Fault503, Fault504, Fault503After,
	FaultHang, FaultReset, FaultTruncate, FaultEmptyPage, FaultDuplicates, FaultExpire, Fault401}

// faults decides, per request, which fault (if any) to inject. Decisions
// come from a generator seeded by the spec, so a run with the same seed and
// the same sequence of requests sees the same faults.
type faults struct {
	mu    sync.Mutex
	rates map[string]float64
	rng   *rand.Rand
	seed  uint64
	hits  map[string]int
}

// CheckFaults validates a fault spec: comma-separated KIND[=RATE] items
// plus an optional seed=N, e.g. "429=0.05,503after=0.02,reset=0.01,seed=7".
// A kind without a rate gets 0.05; "all=R" sets every kind to R.
func CheckFaults(spec string) error {
	_, err := parseFaults(spec)
	return err
}

func parseFaults(spec string) (*faults, error) {
	f := &faults{rates: map[string]float64{}, hits: map[string]int{}}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, hasRate := strings.Cut(item, "=")
		if k == "seed" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("faults: seed %q: %w", v, err)
			}
			f.seed = n
			continue
		}
		rate := 0.05
		if hasRate {
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r < 0 || r > 1 {
				return nil, fmt.Errorf("faults: rate of %s must be in [0,1], got %q", k, v)
			}
			rate = r
		}
		if k == "all" {
			for _, kind := range faultKinds {
				f.rates[kind] = rate
			}
			continue
		}
		known := false
		for _, kind := range faultKinds {
			known = known || kind == k
		}
		if !known {
			return nil, fmt.Errorf("faults: unknown kind %q (known: %s)", k, strings.Join(faultKinds, ", "))
		}
		f.rates[k] = rate
	}
	f.rng = rand.New(rand.NewPCG(f.seed, f.seed^0x5eed))
	return f, nil
}

// SetFaults replaces the fault spec at run time.
func (s *Server) SetFaults(spec string) error {
	f, err := parseFaults(spec)
	if err != nil {
		return err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.rates, s.faults.rng, s.faults.seed = f.rates, f.rng, f.seed
	return nil
}

// FaultHits reports how often each fault fired.
func (s *Server) FaultHits() map[string]int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.faults.hits {
		out[k] = v
	}
	return out
}

// roll picks at most one fault among those applicable to a request.
func (f *faults) roll(applicable []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.rates) == 0 {
		return ""
	}
	for _, k := range applicable {
		if rate := f.rates[k]; rate > 0 && f.rng.Float64() < rate {
			f.hits[k]++
			return k
		}
	}
	return ""
}

// pageFault is consulted by list handlers for the paging faults.
func (s *Server) pageFault(kind string) bool { return s.faults.roll([]string{kind}) == kind }

// wrap injects latency and transport/status faults in front of Graph and
// Dataverse (Entra and the control API are left alone).
func (f *faults) wrap(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/graph/") || strings.HasPrefix(r.URL.Path, dataversePrefix)
		if !api {
			next.ServeHTTP(w, r)
			return
		}
		if s.opts.Latency > 0 {
			select {
			case <-time.After(s.opts.Latency):
			case <-r.Context().Done():
				return
			}
		}
		write := r.Method != http.MethodGet
		kinds := []string{Fault429, Fault429Date, Fault429None, Fault500, Fault502, Fault503, Fault504, FaultHang, FaultReset, FaultTruncate, Fault401}
		if write {
			kinds = append(kinds, Fault503After)
		}
		errf := graphError
		if strings.HasPrefix(r.URL.Path, dataversePrefix) {
			errf = dvError
		}
		switch k := f.roll(kinds); k {
		case "":
			next.ServeHTTP(w, r)
		case Fault429:
			ra := "1"
			if s.opts.ImmediateRetry {
				ra = "0"
			}
			w.Header().Set("Retry-After", ra)
			errf(w, r, 429, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.")
		case Fault429Date:
			at := time.Now().Add(2 * time.Second)
			if s.opts.ImmediateRetry {
				at = time.Now()
			}
			w.Header().Set("Retry-After", at.UTC().Format(http.TimeFormat))
			errf(w, r, 429, "TooManyRequests", "Too many requests.")
		case Fault429None:
			errf(w, r, 429, "TooManyRequests", "Too many requests.")
		case Fault500, Fault502, Fault503, Fault504:
			code, _ := strconv.Atoi(k)
			errf(w, r, code, map[int]string{500: "InternalServerError", 502: "BadGateway", 503: "ServiceNotAvailable", 504: "GatewayTimeout"}[code], "The service is temporarily unavailable.")
		case Fault503After:
			rec := &discard{h: http.Header{}}
			next.ServeHTTP(rec, r)
			errf(w, r, 503, "ServiceNotAvailable", "The service is temporarily unavailable.")
		case FaultHang:
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Minute):
			}
		case FaultReset:
			hijackClose(w)
		case FaultTruncate:
			tw := &truncating{ResponseWriter: w}
			next.ServeHTTP(tw, r)
			tw.finish()
		case Fault401:
			errf(w, r, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
		}
	})
}

type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func hijackClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// truncating buffers the response, then sends its headers and half its
// body and drops the connection.
type truncating struct {
	http.ResponseWriter
	status int
	buf    []byte
}

func (t *truncating) WriteHeader(code int)        { t.status = code }
func (t *truncating) Write(b []byte) (int, error) { t.buf = append(t.buf, b...); return len(b), nil }

func (t *truncating) finish() {
	if t.status == 0 {
		t.status = 200
	}
	hj, ok := t.ResponseWriter.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, rw, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer c.Close()
	bw := rw.Writer
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", t.status, http.StatusText(t.status))
	t.Header().Set("Content-Length", strconv.Itoa(len(t.buf)))
	t.Header().Write(bw)
	bw.WriteString("\r\n")
	bw.Write(t.buf[:len(t.buf)/2])
	bw.Flush()
}
