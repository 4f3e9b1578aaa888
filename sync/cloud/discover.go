package cloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Discovery failures. Each wraps the cause.
var (
	// ErrUnreachable: the sign-in service did not answer, or answered
	// with something that is not an OpenID Connect configuration.
	ErrUnreachable = errors.New("the sign-in service cannot be reached")
	// ErrUntrusted: the sign-in service's certificate is not trusted
	// (a proxy that inspects TLS needs its CA in --ca-file).
	ErrUntrusted = errors.New("the sign-in service's certificate is not trusted")
	// ErrUnknownTenant: the sign-in service does not know the tenant.
	ErrUnknownTenant = errors.New("the sign-in service does not know this tenant")
)

// Discovery is what a tenant's OpenID Connect configuration says.
type Discovery struct {
	Issuer        string `json:"issuer"`
	TokenEndpoint string `json:"tokenEndpoint"`
	// TenantID is the directory's id, read from the issuer; "" for the
	// multi-tenant aliases (organizations, common), whose issuer names
	// no directory until someone signs in.
	TenantID string `json:"tenantId"`
}

// Discover reads {Authority}/{Tenant}/v2.0/.well-known/openid-configuration,
// which tells whether the sign-in service is reachable (and trusted) and
// knows the tenant, and gives the tenant's id. It fails with
// ErrUnreachable, ErrUntrusted or ErrUnknownTenant.
func Discover(ctx context.Context, e Endpoints, tlsConf *tls.Config) (Discovery, error) {
	u := strings.TrimRight(e.Authority, "/") + "/" + url.PathEscape(e.Tenant) + "/v2.0/.well-known/openid-configuration"
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Discovery{}, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	req.Header.Set("Accept", "application/json")
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConf, Proxy: http.ProxyFromEnvironment}}
	resp, err := hc.Do(req)
	if err != nil {
		var cv *tls.CertificateVerificationError
		var ua x509.UnknownAuthorityError
		var he x509.HostnameError
		var ci x509.CertificateInvalidError
		if errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci) {
			return Discovery{}, fmt.Errorf("%w: %s: %v", ErrUntrusted, e.Authority, err)
		}
		return Discovery{}, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Discovery{}, fmt.Errorf("%w: read %s: %v", ErrUnreachable, u, err)
	}
	if resp.StatusCode != http.StatusOK {
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(raw, &body)
		if body.Error == "invalid_tenant" || strings.Contains(body.Description, "AADSTS90002") ||
			(resp.StatusCode == http.StatusBadRequest && body.Error != "") {
			desc, _, _ := strings.Cut(body.Description, "\r\n")
			return Discovery{}, fmt.Errorf("%w: %q: %s", ErrUnknownTenant, e.Tenant, desc)
		}
		return Discovery{}, fmt.Errorf("%w: %s answered %s", ErrUnreachable, u, resp.Status)
	}
	var doc struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Issuer == "" || doc.TokenEndpoint == "" {
		return Discovery{}, fmt.Errorf("%w: %s is not an OpenID Connect configuration", ErrUnreachable, u)
	}
	d := Discovery{Issuer: doc.Issuer, TokenEndpoint: doc.TokenEndpoint}
	if iu, err := url.Parse(doc.Issuer); err == nil {
		for _, seg := range strings.Split(strings.Trim(iu.Path, "/"), "/") {
			if isGUID(seg) {
				d.TenantID = strings.ToLower(seg)
				break
			}
		}
	}
	return d, nil
}
