package cloud_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// TestDiscover probes the simulated tenant's OpenID configuration: by id,
// by domain, with the authority written with its tenant; an unknown
// tenant, an untrusted certificate and a closed port each fail with their
// own error.
func TestDiscover(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	u := srv.URLs()
	trust := &tls.Config{RootCAs: srv.CertPool()}
	ctx := context.Background()
	for _, tenant := range []string{u.Tenant, "lumen.onmicrosoft.com", "organizations"} {
		ep, err := cloud.Resolve(cloud.Global, cloud.Endpoints{Authority: u.Authority, Tenant: tenant})
		if err != nil {
			t.Fatal(err)
		}
		d, err := cloud.Discover(ctx, ep, trust)
		if err != nil {
			t.Fatalf("%s: %v", tenant, err)
		}
		if d.TenantID != u.Tenant || !strings.HasSuffix(d.TokenEndpoint, "/oauth2/v2.0/token") {
			t.Fatalf("%s: %+v, want tenant id %s", tenant, d, u.Tenant)
		}
	}
	ep, _ := cloud.Resolve(cloud.Global, cloud.Endpoints{Authority: u.Authority + "/" + u.Tenant + "/v2.0"})
	if d, err := cloud.Discover(ctx, ep, trust); err != nil || d.TenantID != u.Tenant {
		t.Fatalf("authority with its tenant: %+v %v", d, err)
	}

	ep, _ = cloud.Resolve(cloud.Global, cloud.Endpoints{Authority: u.Authority, Tenant: "fabrikam.example"})
	if _, err := cloud.Discover(ctx, ep, trust); !errors.Is(err, cloud.ErrUnknownTenant) || !strings.Contains(err.Error(), "AADSTS90002") {
		t.Fatalf("unknown tenant: %v", err)
	}
	ep, _ = cloud.Resolve(cloud.Global, cloud.Endpoints{Authority: u.Authority, Tenant: u.Tenant})
	if _, err := cloud.Discover(ctx, ep, &tls.Config{}); !errors.Is(err, cloud.ErrUntrusted) {
		t.Fatalf("untrusted certificate: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	ep, _ = cloud.Resolve(cloud.Global, cloud.Endpoints{Authority: "https://" + closed, Tenant: u.Tenant})
	if _, err := cloud.Discover(ctx, ep, trust); !errors.Is(err, cloud.ErrUnreachable) {
		t.Fatalf("closed port: %v", err)
	}
	// A server that is not a sign-in service.
	ep, _ = cloud.Resolve(cloud.Global, cloud.Endpoints{Authority: u.Graph, Tenant: u.Tenant})
	if _, err := cloud.Discover(ctx, ep, trust); !errors.Is(err, cloud.ErrUnreachable) {
		t.Fatalf("Graph as the authority: %v", err)
	}
}

func TestCheckAppAndFieldErrors(t *testing.T) {
	for _, tc := range []struct {
		tenant, client string
		field, reason  string
	}{
		{"contoso.onmicrosoft.com", "0b6f7b3e-5a5c-4c1e-9d2a-7e1f0c4d9a11", "", ""},
		{"72f988bf-86f1-41af-91ab-2d7cd011db47", "", "", ""},
		{"organizations", "", "", ""},
		{"", "", "", ""},
		{"contoso", "", "tenant", "bad_tenant"},
		{"consumers", "", "tenant", "bad_tenant"},
		{"contoso.com", "my-app", "clientId", "bad_client_id"},
	} {
		err := cloud.CheckApp(tc.tenant, tc.client)
		var fe *cloud.FieldError
		if tc.field == "" {
			if err != nil {
				t.Errorf("%q %q: %v", tc.tenant, tc.client, err)
			}
			continue
		}
		if !errors.As(err, &fe) || fe.Field != tc.field || fe.Reason != tc.reason || !errors.Is(err, cloud.ErrConfig) {
			t.Errorf("%q %q: %v, want %s/%s", tc.tenant, tc.client, err, tc.field, tc.reason)
		}
	}
	for _, tc := range []struct {
		cloud         cloud.Name
		over          cloud.Endpoints
		field, reason string
	}{
		{"mars", cloud.Endpoints{}, "cloud", "unknown_cloud"},
		{"", cloud.Endpoints{Graph: "http://graph.microsoft.com"}, "graphUrl", "not_https"},
		{"", cloud.Endpoints{Dataverse: "contoso.crm.dynamics.com"}, "dataverseUrl", "not_https"},
		{"", cloud.Endpoints{Graph: "https://graph.microsoft.com/beta"}, "graphUrl", "graph_beta"},
		{"", cloud.Endpoints{Authority: "https://login.microsoftonline.com/contoso.com", Tenant: "fabrikam.com"}, "tenant", "tenant_conflict"},
	} {
		_, err := cloud.Resolve(tc.cloud, tc.over)
		var fe *cloud.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || fe.Reason != tc.reason {
			t.Errorf("%s %+v: %v, want %s/%s", tc.cloud, tc.over, err, tc.field, tc.reason)
		}
	}
}
