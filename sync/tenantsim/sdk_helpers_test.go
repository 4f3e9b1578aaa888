package tenantsim_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	textser "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/invitations"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// The tests below talk to the simulated tenant only through the real
// clients: MSAL Go for sign-in, msgraph-sdk-go (its subpackages and the
// core adapter, as Rapport will) for Graph.

var end = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func startTenant(t testing.TB, opts tenantsim.Options) *tenantsim.Server {
	t.Helper()
	if opts.End.IsZero() {
		opts.End = end
	}
	opts.AutoApprove = true // the test is the only client
	srv, err := tenantsim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}

// httpClient trusts only the tenant's CA, as Rapport does with --ca-file.
func httpClient(srv *tenantsim.Server) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}, Timeout: 30 * time.Second}
}

func msalApp(t testing.TB, srv *tenantsim.Server) public.Client {
	t.Helper()
	u := srv.URLs()
	app, err := public.New(u.ClientID,
		public.WithAuthority(u.Authority+"/"+u.Tenant),
		public.WithInstanceDiscovery(false),
		public.WithHTTPClient(httpClient(srv)))
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// signIn signs in by device code and returns the result.
func signIn(t testing.TB, srv *tenantsim.Server, scopes ...string) public.AuthResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if len(scopes) == 0 {
		scopes = []string{srv.URLs().GraphResource + "/.default"}
	}
	dc, err := msalApp(t, srv).AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		t.Fatalf("device code: %v", err)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("device code result: %v", err)
	}
	return res
}

var registerSerializers sync.Once

type tokenSource struct {
	hosts *absauth.AllowedHostsValidator
	token func() string
}

func (s *tokenSource) GetAuthorizationToken(_ context.Context, u *url.URL, _ map[string]any) (string, error) {
	if !s.hosts.IsUrlHostValid(u) {
		return "", nil
	}
	return s.token(), nil
}

func (s *tokenSource) GetAllowedHostsValidator() *absauth.AllowedHostsValidator { return s.hosts }

// graphClient is an msgraph-sdk-go request adapter with the SDK's default
// middleware over a transport that trusts the tenant.
type graphClient struct {
	adapter *msgraphcore.GraphRequestAdapterBase
	base    string
	token   string
}

func newGraph(t testing.TB, srv *tenantsim.Server, token string, opts ...khttp.RetryHandlerOptions) *graphClient {
	t.Helper()
	hosts, err := absauth.NewAllowedHostsValidatorErrorCheck([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	g := &graphClient{base: srv.URLs().Graph + "/v1.0", token: token}
	auth := absauth.NewBaseBearerTokenAuthenticationProvider(&tokenSource{hosts: hosts, token: func() string { return g.token }})
	copts := msgraphcore.GraphClientOptions{GraphServiceLibraryVersion: "1.89.0"}
	retry := khttp.RetryHandlerOptions{MaxRetries: 3, DelaySeconds: 1}
	if len(opts) > 0 {
		retry = opts[0]
	}
	// kiota dereferences ShouldRetry unconditionally. Rapport retries only
	// reads: a write whose outcome is unknown must be reconciled, not resent.
	retry.ShouldRetry = func(_ time.Duration, _ int, req *http.Request, _ *http.Response) bool {
		return req.Method == http.MethodGet
	}
	registerSerializers.Do(func() {
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return jsonser.NewJsonSerializationWriterFactory() })
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return textser.NewTextSerializationWriterFactory() })
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return jsonser.NewJsonParseNodeFactory() })
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return textser.NewTextParseNodeFactory() })
	})
	kiota, err := khttp.GetDefaultMiddlewaresWithOptions(&retry)
	if err != nil {
		t.Fatal(err)
	}
	mws := append([]khttp.Middleware{msgraphcore.NewGraphTelemetryHandler(&copts), khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs)}, kiota...)
	hc := &http.Client{
		Transport:     khttp.NewCustomTransportWithParentTransport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}, mws...),
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	a, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, copts, nil, nil, hc)
	if err != nil {
		t.Fatal(err)
	}
	a.SetBaseUrl(g.base)
	g.adapter = a
	return g
}

func (g *graphClient) params() map[string]string { return map[string]string{"baseurl": g.base} }

func (g *graphClient) me() *users.UserItemRequestBuilder {
	p := g.params()
	p["user%2Did"] = "me-token-to-replace"
	return users.NewUserItemRequestBuilderInternal(p, g.adapter)
}

func (g *graphClient) users() *users.UsersRequestBuilder {
	return users.NewUsersRequestBuilderInternal(g.params(), g.adapter)
}

func (g *graphClient) chats() *chats.ChatsRequestBuilder {
	return chats.NewChatsRequestBuilderInternal(g.params(), g.adapter)
}

func (g *graphClient) teams() *teams.TeamsRequestBuilder {
	return teams.NewTeamsRequestBuilderInternal(g.params(), g.adapter)
}

func (g *graphClient) invitations() *invitations.InvitationsRequestBuilder {
	return invitations.NewInvitationsRequestBuilderInternal(g.params(), g.adapter)
}

func newHeaders(kv ...string) *abs.RequestHeaders {
	h := abs.NewRequestHeaders()
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}
