package simtest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// Gateway is a TLS reverse proxy in front of a tenant, on another port and
// under a path prefix, as an API gateway or a corporate proxy puts one in
// front of Microsoft Graph or Dataverse. It forwards bodies untouched:
// the links the tenant writes still name the tenant's own address.
type Gateway struct {
	URL      string         // https://127.0.0.1:port + prefix
	Pool     *x509.CertPool // trusts the gateway and the tenant
	Requests atomic.Int64   // requests forwarded
}

// StartGateway proxies URL+"/…" to the tenant's "/…" until the test ends.
func StartGateway(tb testing.TB, srv *tenantsim.Server, prefix string) *Gateway {
	tb.Helper()
	g := &Gateway{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host, r.Out.Host = "https", srv.Addr(), srv.Addr()
			r.Out.URL.Path = strings.TrimPrefix(r.In.URL.Path, prefix)
			r.Out.URL.RawPath = ""
		},
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}},
	}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.NotFound(w, r)
			return
		}
		g.Requests.Add(1)
		rp.ServeHTTP(w, r)
	}))
	ts.StartTLS()
	tb.Cleanup(ts.Close)
	g.URL = ts.URL + prefix
	g.Pool = srv.CertPool().Clone()
	g.Pool.AddCert(ts.Certificate())
	return g
}
