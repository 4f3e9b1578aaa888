package tenantsim

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Graph's published Teams throttling limits (per app per tenant, per
// resource), enforced when Options.Limits is set. Over a limit the tenant
// answers 429 with Retry-After, as Graph does.
//
//	GET channel or chat messages       20 rps per app per tenant, 1 rps per chat/channel
//	any request on one team             4 rps per team
//	list chats / get chat               5 rps per user
//	GET team, joinedTeams, channels    30 rps; GET members 60 rps; everything else 30 rps
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
	hits    int
	by      map[string]int // refusals by bucket kind
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter() *limiter {
	return &limiter{buckets: map[string]*bucket{}, now: time.Now, by: map[string]int{}}
}

// take spends one token from each named bucket (rate per second, burst
// equal to one second's worth) or reports how long to wait.
func (l *limiter) take(keys []string, rates []float64) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var wait time.Duration
	for i, k := range keys {
		b := l.bucket(k, rates[i], now)
		if b.tokens < 1 {
			if d := time.Duration((1 - b.tokens) / rates[i] * float64(time.Second)); d > wait {
				wait = d
			}
			kind, _, _ := strings.Cut(k, ":")
			l.by[kind]++
		}
	}
	if wait > 0 {
		l.hits++
		return wait, false
	}
	for _, k := range keys {
		l.buckets[k].tokens--
	}
	return 0, true
}

func (l *limiter) bucket(k string, rate float64, now time.Time) *bucket {
	b, ok := l.buckets[k]
	if !ok {
		b = &bucket{tokens: rate, last: now}
		l.buckets[k] = b
	}
	b.tokens = math.Min(rate, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	return b
}

// classify names the buckets a Graph request draws from.
func classify(r *http.Request, userID string) (keys []string, rates []float64) {
	p := strings.TrimPrefix(r.URL.Path, graphPrefix)
	seg := strings.Split(strings.Trim(p, "/"), "/")
	add := func(k string, rate float64) {
		keys = append(keys, k)
		rates = append(rates, rate)
	}
	isMessages := false
	for _, s := range seg {
		if s == "messages" {
			isMessages = true
		}
	}
	switch {
	case len(seg) >= 3 && seg[0] == "chats" && isMessages && r.Method == http.MethodGet:
		add("msgread", 20)
		add("chat:"+seg[1], 1)
	case len(seg) >= 5 && seg[0] == "teams" && seg[2] == "channels" && isMessages && r.Method == http.MethodGet:
		add("msgread", 20)
		add("channel:"+seg[3], 1)
	case (len(seg) >= 2 && seg[0] == "me" && seg[1] == "chats") || (len(seg) >= 1 && seg[0] == "chats"):
		add("chats-user:"+userID, 5)
	case len(seg) >= 3 && seg[0] == "teams" && seg[2] == "members" && r.Method == http.MethodGet:
		add("members", 60)
	case len(seg) >= 3 && seg[0] == "teams" && seg[2] == "channels" && r.Method == http.MethodGet:
		add("channels", 60)
	default:
		add("other", 30)
	}
	if len(seg) >= 2 && seg[0] == "teams" {
		add("team:"+seg[1], 4)
	}
	return keys, rates
}

// throttle applies the limits; it writes the 429 itself.
func (s *Server) throttle(w http.ResponseWriter, r *http.Request, g *grant) bool {
	if s.limits == nil {
		return true
	}
	keys, rates := classify(r, g.userID)
	wait, ok := s.limits.take(keys, rates)
	if ok {
		return true
	}
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	graphError(w, r, 429, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.")
	return false
}

// ThrottledBy reports refusals by limit ("msgread", "chat", "channel",
// "team", "chats-user", …); a refused request may count under several.
func (s *Server) ThrottledBy() map[string]int {
	if s.limits == nil {
		return nil
	}
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.limits.by {
		out[k] = v
	}
	return out
}

// Throttled reports how many requests the published limits refused.
func (s *Server) Throttled() int {
	if s.limits == nil {
		return 0
	}
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	return s.limits.hits
}
