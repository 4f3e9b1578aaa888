package graph

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	textser "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/rapport-app/rapport/sync/auth"
)

// Sentinel errors; *Error matches them with errors.Is.
var (
	ErrUnauthorized = errors.New("graph: not signed in or token refused")
	ErrForbidden    = errors.New("graph: permission missing")
	ErrNotFound     = errors.New("graph: not found")
	ErrGone         = errors.New("graph: sync state expired")
	ErrThrottled    = errors.New("graph: throttled")
	ErrUnavailable  = errors.New("graph: service unavailable")
)

// Error is a failed Graph call.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("graph: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is maps statuses onto the sentinels.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.Status == 401
	case ErrForbidden:
		return e.Status == 403
	case ErrNotFound:
		return e.Status == 404
	case ErrGone:
		return e.Status == 410 || e.Code == "syncStateNotFound" || e.Code == "resyncRequired"
	case ErrThrottled:
		return e.Status == 429
	case ErrUnavailable:
		return e.Status >= 500
	}
	return false
}

// wrap converts an SDK error into *Error (other errors pass through).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		e := &Error{Status: oe.ResponseStatusCode}
		if me := oe.GetErrorEscaped(); me != nil {
			if c := me.GetCode(); c != nil {
				e.Code = *c
			}
			if m := me.GetMessage(); m != nil {
				e.Message = *m
			}
		}
		if h := oe.GetResponseHeaders(); h != nil {
			if v := h.Get("Retry-After"); len(v) > 0 {
				e.RetryAfter = parseRetryAfter(v[0], time.Now())
			}
		}
		return fmt.Errorf("%s: %w", op, e)
	}
	var ae *abs.ApiError
	if errors.As(err, &ae) && ae.ResponseStatusCode != 0 {
		return fmt.Errorf("%s: %w", op, &Error{Status: ae.ResponseStatusCode, Message: ae.Message})
	}
	return fmt.Errorf("%s: %w", op, err)
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if s, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return 0
}

// Client talks to one Graph endpoint.
type Client struct {
	adapter *msgraphcore.GraphRequestAdapterBase
	base    string       // e.g. https://graph.microsoft.com/v1.0
	plain   *http.Client // upload-session fragments: no token, no SDK
	chunk   int          // upload-session fragment size
}

// Options configure a Client.
type Options struct {
	// MaxRetries bounds the SDK's retries of reads (default 3).
	MaxRetries int
	// Timeout bounds one HTTP exchange (default 60s), so a hung request
	// fails instead of stalling a sync.
	Timeout time.Duration
	// Wrap, when set, wraps the HTTPS transport (measurements, tests).
	Wrap func(http.RoundTripper) http.RoundTripper
	// UploadFragment is the size of an upload session's fragments,
	// rounded down to a multiple of 320 KiB (default 10 × 320 KiB).
	UploadFragment int
}

var registerSerializers sync.Once

// New returns a client for the Graph at graphURL (e.g.
// https://graph.microsoft.com), trusting tlsConf's roots and authorizing
// requests with tokens, which go to graphURL's origin only.
func New(graphURL string, tlsConf *tls.Config, tokens auth.Tokens, opts Options) (*Client, error) {
	u, err := url.Parse(graphURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("graph URL %q must be https://host[/path]", graphURL)
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 3
	}
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	registerSerializers.Do(func() {
		// What the SDK's root package registers; we import subpackages only.
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return jsonser.NewJsonSerializationWriterFactory() })
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return textser.NewTextSerializationWriterFactory() })
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return jsonser.NewJsonParseNodeFactory() })
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return textser.NewTextParseNodeFactory() })
	})
	retry := khttp.RetryHandlerOptions{
		MaxRetries:   opts.MaxRetries,
		DelaySeconds: 2,
		// Only reads are retried by the SDK; kiota calls this unconditionally.
		ShouldRetry: func(_ time.Duration, _ int, req *http.Request, _ *http.Response) bool {
			return req.Method == http.MethodGet
		},
	}
	kiota, err := khttp.GetDefaultMiddlewaresWithOptions(&retry)
	if err != nil {
		return nil, err
	}
	copts := msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"}
	mws := append([]khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&copts),
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
	}, kiota...)
	var transport http.RoundTripper = &http.Transport{TLSClientConfig: tlsConf, Proxy: http.ProxyFromEnvironment,
		ResponseHeaderTimeout: opts.Timeout, MaxIdleConnsPerHost: 32}
	if opts.Wrap != nil {
		transport = opts.Wrap(transport)
	}
	plain := &http.Client{Transport: transport, Timeout: opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	chunk := opts.UploadFragment / fragmentUnit * fragmentUnit
	if chunk <= 0 {
		chunk = 10 * fragmentUnit
	}
	// Tokens are added under the SDK's middlewares, so a 401 is renewed
	// and sent again once (auth.Transport) before the SDK sees it.
	if transport, err = auth.Transport(transport, u.Scheme+"://"+u.Host, tokens); err != nil {
		return nil, err
	}
	base := strings.TrimRight(graphURL, "/") + "/v1.0"
	transport = rebasing{next: transport, base: base}
	hc := &http.Client{
		Transport:     khttp.NewCustomTransportWithParentTransport(transport, mws...),
		Timeout:       opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	a, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(&absauth.AnonymousAuthenticationProvider{}, copts, nil, nil, hc)
	if err != nil {
		return nil, fmt.Errorf("graph adapter: %w", err)
	}
	a.SetBaseUrl(base)
	return &Client{adapter: a, base: base, plain: plain, chunk: chunk}, nil
}

// rebase points a saved @odata.nextLink or @odata.deltaLink at the
// configured endpoint: the same path after the version segment and the
// same query, on c.base. Links are absolute and outlive a change of
// endpoint (a proxy put in front of Graph, a corrected flag), and tokens
// go to the configured origin only. A link that cannot be rebased fails
// with ErrGone, which restarts its listing.
func rebase(base string, u *url.URL) (*url.URL, error) {
	if strings.HasPrefix(u.String(), base+"/") {
		return u, nil
	}
	_, rest, ok := strings.Cut(u.EscapedPath(), "/v1.0/")
	if !ok {
		return nil, fmt.Errorf("saved link %s is not a Graph v1.0 link of %s: starting over: %w", u.Redacted(), base, ErrGone)
	}
	out := base + "/" + rest
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return url.Parse(out)
}

// rebasing applies rebase to every request, whichever request builder
// followed which link.
type rebasing struct {
	next http.RoundTripper
	base string
}

func (r rebasing) RoundTrip(req *http.Request) (*http.Response, error) {
	u, err := rebase(r.base, req.URL)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if u != req.URL {
		req = req.Clone(req.Context())
		req.URL, req.Host = u, ""
	}
	return r.next.RoundTrip(req)
}

func (c *Client) params() map[string]string { return map[string]string{"baseurl": c.base} }

func ptr[T any](v T) *T { return &v }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func tm(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

func optTime(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	t := p.UTC()
	return &t
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
