package app

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/rapport-app/rapport/sync/cloud"
)

// Config is what the command line and environment set. Each flag has an
// environment variable (RAPPORT_ + upper-case flag name, dashes as
// underscores) that it overrides.
type Config struct {
	DataDir string
	// Cloud and Overrides are the connection fields set by flags or
	// RAPPORT_* variables ("" when not set); they win, field by field,
	// over the connection saved in Settings (connection.go).
	Cloud     cloud.Name
	Overrides cloud.Endpoints
	// Sources says which flag or variable set each connection field, by
	// its JSON name (clientId → "--client-id" or "RAPPORT_CLIENT_ID").
	Sources map[string]string
	CAFile  string
	// TokenCache is "auto" (default: the OS secret store when it works,
	// else memory), "keyring" (the secret store or fail), "file" (a 0600
	// file in the data directory, for machines without a secret store) or
	// "memory" (tokens die with the process).
	TokenCache string
	// OpenSearch is a query the window (or browser mode) shows at launch
	// (--search), as if typed into search.
	OpenSearch string
}

// newFlagSet returns a flag set with the global flags bound to c.
func newFlagSet(c *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("rapport", flag.ContinueOnError)
	c.addFlags(fs)
	return fs
}

// addFlags registers the global flags on fs, with environment defaults.
func (c *Config) addFlags(fs *flag.FlagSet) {
	env := func(name, def string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.DataDir, "data-dir", env("RAPPORT_DATA_DIR", defaultDataDir()), "where Rapport keeps its store and index")
	fs.Func("cloud", "Microsoft cloud: global, china (21Vianet) or usgov (default: Settings, else global; env RAPPORT_CLOUD)", func(s string) error {
		c.Cloud = cloud.Name(s)
		return nil
	})
	c.Cloud = cloud.Name(env("RAPPORT_CLOUD", ""))
	fs.StringVar(&c.Overrides.Authority, "authority-url", env("RAPPORT_AUTHORITY_URL", ""), "Entra ID authority host, overrides --cloud and Settings")
	fs.StringVar(&c.Overrides.Graph, "graph-url", env("RAPPORT_GRAPH_URL", ""), "Microsoft Graph root, overrides --cloud and Settings")
	fs.StringVar(&c.Overrides.Dataverse, "dataverse-url", env("RAPPORT_DATAVERSE_URL", ""), "Dataverse organisation URL, e.g. https://contoso.crm.dynamics.com (default: Settings)")
	fs.StringVar(&c.Overrides.Tenant, "tenant", env("RAPPORT_TENANT", ""), "tenant id or domain (default: Settings, else organizations)")
	fs.StringVar(&c.Overrides.ClientID, "client-id", env("RAPPORT_CLIENT_ID", ""), "app registration (public client) id (default: Settings)")
	fs.StringVar(&c.CAFile, "ca-file", env("RAPPORT_CA_FILE", ""), "extra PEM certificates to trust, beside the system store")
	fs.StringVar(&c.TokenCache, "token-cache", env("RAPPORT_TOKEN_CACHE", "auto"), "where sign-in tokens are kept: auto (OS secret store, else memory), keyring, file (0600, in the data dir) or memory")
}

// connectionFlags are the flags that set the Microsoft 365 connection,
// by the JSON name of the field they set.
var connectionFlags = []struct{ field, flag string }{
	{"cloud", "cloud"}, {"authorityUrl", "authority-url"}, {"graphUrl", "graph-url"},
	{"dataverseUrl", "dataverse-url"}, {"tenant", "tenant"}, {"clientId", "client-id"},
}

// noteSources records which flag or variable set each connection field;
// call it after fs.Parse.
func (c *Config) noteSources(fs *flag.FlagSet) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c.Sources = map[string]string{}
	for _, f := range connectionFlags {
		env := "RAPPORT_" + strings.ToUpper(strings.ReplaceAll(f.flag, "-", "_"))
		switch {
		case set[f.flag]:
			c.Sources[f.field] = "--" + f.flag
		case os.Getenv(env) != "":
			c.Sources[f.field] = env
		}
	}
}

// validate checks what can be checked before anything starts.
func (c *Config) validate() error {
	if c.DataDir == "" {
		return fmt.Errorf("%w: no data directory: set --data-dir or HOME", errInvalid)
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return fmt.Errorf("%w: data dir: %w", errInvalid, err)
	}
	c.DataDir = abs
	if _, err := cloud.Resolve(c.Cloud, c.Overrides); err != nil {
		return err
	}
	if _, err := cloud.TLSConfig(c.CAFile); err != nil {
		return err
	}
	switch c.TokenCache {
	case "auto", "keyring", "file", "memory":
	default:
		return fmt.Errorf("%w: --token-cache %q (want auto, keyring, file or memory)", errInvalid, c.TokenCache)
	}
	return nil
}

// defaultDataDir is the OS's per-user data directory plus "rapport":
// $XDG_DATA_HOME or ~/.local/share on Linux, ~/Library/Application Support
// on macOS, %LocalAppData% on Windows.
func defaultDataDir() string {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "Rapport")
		}
	case "darwin":
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, "Library", "Application Support", "Rapport")
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "rapport")
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "rapport")
		}
	}
	return ""
}
