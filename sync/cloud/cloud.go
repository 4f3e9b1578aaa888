package cloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// ErrConfig reports an unusable endpoint configuration.
var ErrConfig = errors.New("invalid endpoint configuration")

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
	// Graph is the Microsoft Graph root, e.g. https://graph.microsoft.com.
	Graph string `json:"graphUrl"`
	// Dataverse is the organisation's Dataverse root, e.g.
	// https://contoso.crm.dynamics.com; empty until the user sets it.
	Dataverse string `json:"dataverseUrl"`
	// Tenant is the directory (tenant id, domain, or "organizations").
	Tenant string `json:"tenant"`
	// ClientID is the public-client app registration used to sign in. It has
	// no default: each organisation registers Rapport in its own directory.
	ClientID string `json:"clientId"`
}

var defaults = map[Name]Endpoints{
	Global: {Authority: "https://login.microsoftonline.com", Graph: "https://graph.microsoft.com"},
	China:  {Authority: "https://login.chinacloudapi.cn", Graph: "https://microsoftgraph.chinacloudapi.cn"},
	USGov:  {Authority: "https://login.microsoftonline.us", Graph: "https://graph.microsoft.us"},
}

// Resolve returns the endpoints of cloud with the non-empty fields of
// override applied, and checks that every set URL is an https root.
func Resolve(cloud Name, override Endpoints) (Endpoints, error) {
	if cloud == "" {
		cloud = Global
	}
	e, ok := defaults[cloud]
	if !ok {
		return Endpoints{}, fmt.Errorf("%w: unknown cloud %q (want global, china or usgov)", ErrConfig, cloud)
	}
	e.Cloud = cloud
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
		name string
		dst  *string
	}{
		{"authority URL", &e.Authority}, {"Graph URL", &e.Graph}, {"Dataverse URL", &e.Dataverse},
	} {
		if *f.dst == "" {
			continue
		}
		norm, err := httpsRoot(*f.dst)
		if err != nil {
			return Endpoints{}, fmt.Errorf("%w: %s: %v", ErrConfig, f.name, err)
		}
		*f.dst = norm
	}
	return e, nil
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
