package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Tokens gives access tokens for one resource (Graph, or one Dataverse
// organisation).
type Tokens interface {
	// Token returns an access token. stale, when not "", is a token the
	// resource refused: Token then returns a different one (renewed with
	// claims, a claims challenge's JSON, when given) or an error wrapping
	// ErrSignInRequired when the tenant will not issue one.
	Token(ctx context.Context, stale, claims string) (string, error)
}

// For returns the tokens of scopes (one resource), renewed at most once
// per refused token however many requests were refused with it.
func (s *Session) For(scopes []string) Tokens {
	return &source{s: s, scopes: scopes}
}

type source struct {
	s      *Session
	scopes []string

	mu      sync.Mutex
	renewed map[string]string // refused token -> the token that replaced it
}

func (src *source) Token(ctx context.Context, stale, claims string) (string, error) {
	if stale == "" {
		return src.s.Token(ctx, src.scopes)
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if tok, ok := src.renewed[stale]; ok {
		return tok, nil // renewed already by a request refused at the same time
	}
	tok, err := src.s.renew(ctx, src.scopes, claims)
	if err != nil {
		return "", err
	}
	if src.renewed == nil || len(src.renewed) > 64 {
		src.renewed = map[string]string{}
	}
	src.renewed[stale] = tok
	return tok, nil
}

// Transport authorizes requests with tokens and sends them on through
// next. It sends a token only to origin (scheme://host[:port]): a request
// for any other origin fails before it leaves. When the resource answers
// 401 (a token revoked before it expired, or a claims challenge from
// Continuous Access Evaluation), it renews the token once and sends the
// request again: a 401 means the request was not carried out, so this
// holds for writes too. A renewal the tenant refuses fails the request
// with an error wrapping ErrSignInRequired.
func Transport(next http.RoundTripper, origin string, tokens Tokens) (http.RoundTripper, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("token origin %q must be https://host", origin)
	}
	return &bearer{next: next, scheme: u.Scheme, host: strings.ToLower(u.Host), tokens: tokens}, nil
}

type bearer struct {
	next         http.RoundTripper
	scheme, host string
	tokens       Tokens
}

func (b *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != b.scheme || strings.ToLower(req.URL.Host) != b.host {
		closeBody(req)
		return nil, fmt.Errorf("refusing to send a token to %s://%s: only %s://%s is configured", req.URL.Scheme, req.URL.Host, b.scheme, b.host)
	}
	ctx := req.Context()
	tok, err := b.tokens.Token(ctx, "", "")
	if err != nil {
		closeBody(req)
		return nil, err
	}
	// Keep the body to send again after a 401.
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		if body, err = io.ReadAll(req.Body); err != nil {
			req.Body.Close()
			return nil, fmt.Errorf("read request body: %w", err)
		}
		req.Body.Close()
	}
	resp, err := b.next.RoundTrip(withToken(req, tok, body))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	claims := ClaimsChallenge(resp.Header)
	fresh, err := b.tokens.Token(ctx, tok, claims)
	if err != nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return nil, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp, err = b.next.RoundTrip(withToken(req, fresh, body))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// A token issued a moment ago refused: only signing in again helps.
	msg := readError(resp)
	return nil, fmt.Errorf("%w: %s refused a new token (%s)", ErrSignInRequired, b.host, msg)
}

func withToken(req *http.Request, tok string, body []byte) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	return r
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// readError is a short account of a refused request's body.
func readError(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	if s == "" {
		return resp.Status
	}
	return s
}

// ClaimsChallenge returns the claims a 401's WWW-Authenticate header asks
// for (Continuous Access Evaluation: error="insufficient_claims",
// claims="<base64 JSON>"), decoded to the JSON MSAL takes, or "".
func ClaimsChallenge(h http.Header) string {
	for _, v := range h.Values("WWW-Authenticate") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(v), "Bearer")
		if !ok {
			continue
		}
		for _, p := range splitParams(rest) {
			k, val, _ := strings.Cut(p, "=")
			if strings.TrimSpace(strings.ToLower(k)) != "claims" {
				continue
			}
			val = strings.Trim(strings.TrimSpace(val), `"`)
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(val); err == nil && strings.HasPrefix(strings.TrimSpace(string(b)), "{") {
					return string(b)
				}
			}
			if strings.HasPrefix(val, "{") {
				return val
			}
		}
	}
	return ""
}

// splitParams splits auth-params at commas outside quotes.
func splitParams(s string) []string {
	var out []string
	quoted, start := false, 0
	for i, r := range s {
		switch r {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// Static is a fixed token (a child process handed one, a test): refused,
// it cannot be renewed.
type Static string

// Token returns the token, or ErrSignInRequired once it was refused.
func (s Static) Token(_ context.Context, stale, _ string) (string, error) {
	if stale != "" {
		return "", fmt.Errorf("%w: a fixed token was refused", ErrSignInRequired)
	}
	return string(s), nil
}
