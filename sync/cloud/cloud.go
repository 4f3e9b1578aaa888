package cloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
)

// ErrConfig reports an unusable endpoint configuration.
var ErrConfig = errors.New("invalid endpoint configuration")

// FieldError is an unusable value in one field of a connection. It is an
// ErrConfig (errors.Is); Field and Reason let a UI point at the field and
// say why in its own words.
type FieldError struct {
	// Field is the JSON name of the field: cloud, authorityUrl, graphUrl,
	// dataverseUrl, tenant or clientId.
	Field string
	// Reason is a code: unknown_cloud, not_https, tenant_conflict,
	// graph_beta, bad_tenant, bad_client_id.
	Reason string
	Msg    string // in English, for logs and the command line
}

func (e *FieldError) Error() string { return ErrConfig.Error() + ": " + e.Msg }

// Unwrap makes a FieldError an ErrConfig.
func (e *FieldError) Unwrap() error { return ErrConfig }

// CheckApp checks the directory and the app registration as people type
// them: a tenant is a tenant id (a GUID), a domain or one of the
// multi-tenant aliases (organizations, common); an application (client)
// id is a GUID. Empty values pass: they are "not set".
func CheckApp(tenant, clientID string) error {
	if tenant != "" && (!looksLikeTenant(tenant) || strings.EqualFold(tenant, "consumers")) {
		return &FieldError{Field: "tenant", Reason: "bad_tenant",
			Msg: fmt.Sprintf("tenant %q: give the directory's id (a GUID) or one of its domains, e.g. contoso.onmicrosoft.com", tenant)}
	}
	if clientID != "" && !isGUID(clientID) {
		return &FieldError{Field: "clientId", Reason: "bad_client_id",
			Msg: fmt.Sprintf("client id %q: the app registration's Application (client) ID is a GUID", clientID)}
	}
	return nil
}

// Name identifies a national cloud.
type Name string

// The clouds Rapport knows.
const (
	Global Name = "global" // Microsoft's worldwide cloud
	China  Name = "china"  // operated by 21Vianet
	USGov  Name = "usgov"  // US Government (GCC High)
)

// Endpoints is everything Rapport needs to reach one tenant.
type Endpoints struct {
	Cloud Name `json:"cloud"`
	// Authority is the Entra ID sign-in host, e.g. https://login.microsoftonline.com.
	Authority string `json:"authorityUrl"`
	// Graph is where Microsoft Graph is reached, e.g.
	// https://graph.microsoft.com (a proxy, a gateway or a test server
	// elsewhere); requests go to {Graph}/v1.0/….
	Graph string `json:"graphUrl"`
	// GraphResource is Microsoft Graph's resource identifier in the cloud,
	// which sign-in scopes name wherever Graph is reached: it follows
	// Cloud, never Graph.
	GraphResource string `json:"graphResource"`
	// Dataverse is the organisation's Dataverse root, e.g.
	// https://contoso.crm.dynamics.com; empty until the user sets it.
	Dataverse string `json:"dataverseUrl"`
	// Tenant is the directory (tenant id, domain, or "organizations").
	Tenant string `json:"tenant"`
	// ClientID is the public-client app registration used to sign in. It has
	// no default: each organisation registers Rapport in its own directory.
	ClientID string `json:"clientId"`
}

// defaults are each cloud's endpoints; Graph is also its resource
// identifier (Microsoft's national cloud deployments table).
var defaults = map[Name]Endpoints{
	Global: {Authority: "https://login.microsoftonline.com", Graph: "https://graph.microsoft.com"},
	China:  {Authority: "https://login.chinacloudapi.cn", Graph: "https://microsoftgraph.chinacloudapi.cn"},
	USGov:  {Authority: "https://login.microsoftonline.us", Graph: "https://graph.microsoft.us"},
}

// Info describes a cloud for people choosing one.
type Info struct {
	Name      Name   `json:"name"`
	Authority string `json:"authorityUrl"`
	Graph     string `json:"graphUrl"`
	// DataverseExample is what an organisation's Dynamics 365 address
	// looks like there.
	DataverseExample string `json:"dataverseExample"`
}

// Clouds lists the clouds Rapport knows, worldwide first.
func Clouds() []Info {
	examples := map[Name]string{Global: "https://contoso.crm.dynamics.com", China: "https://contoso.crm.dynamics.cn",
		USGov: "https://contoso.crm.microsoftdynamics.us"}
	var out []Info
	for _, n := range []Name{Global, China, USGov} {
		out = append(out, Info{Name: n, Authority: defaults[n].Authority, Graph: defaults[n].Graph, DataverseExample: examples[n]})
	}
	return out
}

// GraphResource is Microsoft Graph's resource identifier in cloud n ("" for
// an unknown cloud): what scopes name, whatever URL Graph is reached at.
func (n Name) GraphResource() string {
	if n == "" {
		n = Global
	}
	return defaults[n].Graph
}

// Resolve returns the endpoints of cloud with the non-empty fields of
// override applied, and checks that every set URL is an https root.
func Resolve(cloud Name, override Endpoints) (Endpoints, error) {
	if cloud == "" {
		cloud = Global
	}
	e, ok := defaults[cloud]
	if !ok {
		return Endpoints{}, &FieldError{Field: "cloud", Reason: "unknown_cloud", Msg: fmt.Sprintf("unknown cloud %q (want global, china or usgov)", cloud)}
	}
	e.Cloud = cloud
	e.GraphResource = e.Graph
	e.Tenant = "organizations"
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&e.Authority, override.Authority}, {&e.Graph, override.Graph}, {&e.Dataverse, override.Dataverse},
		{&e.Tenant, override.Tenant}, {&e.ClientID, override.ClientID},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	for _, f := range []struct {
		name, field string
		dst         *string
	}{
		{"authority URL", "authorityUrl", &e.Authority}, {"Graph URL", "graphUrl", &e.Graph}, {"Dataverse URL", "dataverseUrl", &e.Dataverse},
	} {
		if *f.dst == "" {
			continue
		}
		norm, err := httpsRoot(*f.dst)
		if err != nil {
			return Endpoints{}, &FieldError{Field: f.field, Reason: "not_https", Msg: fmt.Sprintf("%s: %v", f.name, err)}
		}
		*f.dst = norm
	}
	if err := e.normalize(override.Tenant); err != nil {
		return Endpoints{}, err
	}
	return e, nil
}

// tenantAliases are the authority paths that name no single directory.
var tenantAliases = []string{"organizations", "common", "consumers"}

// normalize accepts endpoints as Microsoft writes them: an authority with
// its tenant (https://login.microsoftonline.com/contoso.onmicrosoft.com,
// optionally ending in /v2.0, the issuer's form), a Graph URL with its
// version (https://graph.microsoft.com/v1.0, the SDKs' base URL) and a
// Dataverse URL with the Web API path (…/api/data/v9.2). A tenant in the
// authority is the tenant; a different --tenant is an error.
func (e *Endpoints) normalize(explicitTenant string) error {
	auth, err := url.Parse(e.Authority)
	if err != nil {
		return &FieldError{Field: "authorityUrl", Reason: "not_https", Msg: fmt.Sprintf("authority URL: %v", err)}
	}
	path := strings.TrimSuffix(strings.TrimRight(auth.Path, "/"), "/v2.0")
	if i := strings.LastIndex(path, "/"); i >= 0 {
		if seg := path[i+1:]; looksLikeTenant(seg) {
			if explicitTenant != "" && !strings.EqualFold(explicitTenant, seg) {
				return &FieldError{Field: "tenant", Reason: "tenant_conflict",
					Msg: fmt.Sprintf("the authority URL names tenant %q but --tenant says %q: give one of them", seg, explicitTenant)}
			}
			e.Tenant, path = seg, path[:i]
		}
	}
	auth.Path = path
	e.Authority = strings.TrimRight(auth.String(), "/")

	if g, ok := strings.CutSuffix(e.Graph, "/beta"); ok {
		return &FieldError{Field: "graphUrl", Reason: "graph_beta", Msg: fmt.Sprintf("Graph URL %q: Rapport uses Graph v1.0, not beta: give %s", e.Graph, g)}
	}
	e.Graph = strings.TrimSuffix(e.Graph, "/v1.0")
	if i := strings.Index(strings.ToLower(e.Dataverse), "/api/data"); i >= 0 {
		e.Dataverse = e.Dataverse[:i]
	}
	return nil
}

// looksLikeTenant reports whether an authority's last path segment names
// a directory: a GUID, a domain or one of the multi-tenant aliases.
func looksLikeTenant(seg string) bool {
	if seg == "" {
		return false
	}
	if slices.Contains(tenantAliases, strings.ToLower(seg)) {
		return true
	}
	if isGUID(seg) {
		return true
	}
	return strings.Contains(seg, ".") && !strings.ContainsAny(seg, " /?#")
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

func httpsRoot(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("%q must start with https://", raw)
	}
	if u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q must be a plain https://host[/path] URL", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// TLSConfig trusts the system roots plus the PEM certificates in caFile
// (when caFile is not empty).
func TLSConfig(caFile string) (*tls.Config, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("%w: read CA file: %w", ErrConfig, err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: %s holds no PEM certificate", ErrConfig, caFile)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
