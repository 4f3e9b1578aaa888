package cloud

import (
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		cloud    Name
		override Endpoints
		want     Endpoints
		wantErr  bool
	}{
		{name: "default is global", want: Endpoints{Cloud: Global, Authority: "https://login.microsoftonline.com", Graph: "https://graph.microsoft.com", GraphResource: "https://graph.microsoft.com", Tenant: "organizations"}},
		{name: "china", cloud: China, want: Endpoints{Cloud: China, Authority: "https://login.chinacloudapi.cn", Graph: "https://microsoftgraph.chinacloudapi.cn", GraphResource: "https://microsoftgraph.chinacloudapi.cn", Tenant: "organizations"}},
		{name: "usgov", cloud: USGov, want: Endpoints{Cloud: USGov, Authority: "https://login.microsoftonline.us", Graph: "https://graph.microsoft.us", GraphResource: "https://graph.microsoft.us", Tenant: "organizations"}},
		{
			name: "overrides win and lose trailing slash; the Graph resource stays the cloud's", cloud: China,
			override: Endpoints{Graph: "https://127.0.0.1:8443/graph/", Dataverse: "https://org.crm.dynamics.cn/", Tenant: "contoso.cn", ClientID: "abc"},
			want:     Endpoints{Cloud: China, Authority: "https://login.chinacloudapi.cn", Graph: "https://127.0.0.1:8443/graph", GraphResource: "https://microsoftgraph.chinacloudapi.cn", Dataverse: "https://org.crm.dynamics.cn", Tenant: "contoso.cn", ClientID: "abc"},
		},
		{
			name:     "endpoints as Microsoft writes them: authority with tenant, Graph with /v1.0, Dataverse with the Web API path",
			override: Endpoints{Authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com", Graph: "https://graph.microsoft.com/v1.0", Dataverse: "https://contoso.crm.dynamics.com/api/data/v9.2/"},
			want:     Endpoints{Cloud: Global, Authority: "https://login.microsoftonline.com", Graph: "https://graph.microsoft.com", GraphResource: "https://graph.microsoft.com", Dataverse: "https://contoso.crm.dynamics.com", Tenant: "contoso.onmicrosoft.com"},
		},
		{
			name:     "authority with a tenant id and the issuer's /v2.0, behind a path",
			override: Endpoints{Authority: "https://127.0.0.1:8443/login/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0", Tenant: "72F988BF-86F1-41AF-91AB-2D7CD011DB47"},
			want:     Endpoints{Cloud: Global, Authority: "https://127.0.0.1:8443/login", Graph: "https://graph.microsoft.com", GraphResource: "https://graph.microsoft.com", Tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47"},
		},
		{
			name:     "authority with organizations",
			override: Endpoints{Authority: "https://login.microsoftonline.com/organizations/"},
			want:     Endpoints{Cloud: Global, Authority: "https://login.microsoftonline.com", Graph: "https://graph.microsoft.com", GraphResource: "https://graph.microsoft.com", Tenant: "organizations"},
		},
		{name: "authority tenant and a different --tenant", override: Endpoints{Authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com", Tenant: "fabrikam.com"}, wantErr: true},
		{name: "Graph beta refused", override: Endpoints{Graph: "https://graph.microsoft.com/beta"}, wantErr: true},
		{name: "unknown cloud", cloud: "mars", wantErr: true},
		{name: "http refused", override: Endpoints{Graph: "http://graph.microsoft.com"}, wantErr: true},
		{name: "query refused", override: Endpoints{Authority: "https://login.microsoftonline.com/?x=1"}, wantErr: true},
		{name: "no host", override: Endpoints{Dataverse: "https:///path"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.cloud, tt.override)
			if tt.wantErr {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("err = %v, want ErrConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestTLSConfigTrustsCAFile(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()

	get := func(caFile string) error {
		cfg, err := TLSConfig(caFile)
		if err != nil {
			return err
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(""); err == nil {
		t.Fatal("system pool alone trusted a self-signed test server")
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := get(ca); err != nil {
		t.Fatalf("with --ca-file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("not pem"), 0o600)
	if _, err := TLSConfig(bad); !errors.Is(err, ErrConfig) {
		t.Fatalf("bad CA file: %v, want ErrConfig", err)
	}
	if _, err := TLSConfig(filepath.Join(t.TempDir(), "missing.pem")); !errors.Is(err, ErrConfig) {
		t.Fatalf("missing CA file: %v, want ErrConfig", err)
	}
}
