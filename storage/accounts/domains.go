package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rapport-app/rapport/storage"
)

// SettingName is the store setting that holds the user's mapping of
// domains to accounts.
const SettingName = "account-domains"

// legacySettings held the mapping before this package, each in its own
// "domains" field: the metrics' and the guests' settings.
var legacySettings = []string{"metrics", "guests"}

// Settings is what the mapping needs of the store.
type Settings interface {
	Setting(ctx context.Context, name string, v any) error
	PutSetting(ctx context.Context, name string, v any) error
}

// ErrBadDomain is returned by SaveDomains and MapDomain for a domain that
// cannot be one (empty, or holding a space, "@" or "/").
var ErrBadDomain = errors.New("bad e-mail domain")

// Domains reads the user's mapping: domain → account id ("" no customer).
func Domains(ctx context.Context, db Settings) (map[string]string, error) {
	var m map[string]string
	err := db.Setting(ctx, SettingName, &m)
	if err == nil {
		if m == nil {
			m = map[string]string{}
		}
		return m, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("read the account domains: %w", err)
	}
	m = map[string]string{}
	for _, name := range legacySettings {
		var old struct {
			Domains map[string]string `json:"domains"`
		}
		var raw json.RawMessage
		if err := db.Setting(ctx, name, &raw); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			return nil, fmt.Errorf("read the %s settings: %w", name, err)
		}
		if json.Unmarshal(raw, &old) != nil {
			continue
		}
		for d, acc := range old.Domains {
			if d = NormDomain(d); d != "" {
				m[d] = strings.TrimSpace(acc)
			}
		}
	}
	return m, nil
}

// SaveDomains checks and stores the user's mapping, replacing it whole;
// it returns the mapping as stored.
func SaveDomains(ctx context.Context, db Settings, domains map[string]string) (map[string]string, error) {
	clean := make(map[string]string, len(domains))
	for d, acc := range domains {
		n := NormDomain(d)
		if n == "" || strings.ContainsAny(n, " \t@/") {
			return nil, fmt.Errorf("%w: %q", ErrBadDomain, d)
		}
		clean[n] = strings.TrimSpace(acc)
	}
	if err := db.PutSetting(ctx, SettingName, clean); err != nil {
		return nil, fmt.Errorf("store the account domains: %w", err)
	}
	return clean, nil
}

// MapDomain maps one domain to an account id ("" for no customer).
func MapDomain(ctx context.Context, db Settings, domain, accountID string) error {
	m, err := Domains(ctx, db)
	if err != nil {
		return err
	}
	m[NormDomain(domain)] = accountID
	_, err = SaveDomains(ctx, db, m)
	return err
}
