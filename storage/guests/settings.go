package guests

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rapport-app/rapport/storage"
)

// SettingName is the store setting that holds Settings.
const SettingName = "guests"

// Defaults of Settings' zero fields.
const (
	DefaultInactiveDays   = 90 // as CIPP and the stale-guest scripts
	DefaultPendingDays    = 30
	DefaultRestrictMonths = 3 // seed 000: a new customer group stays restricted for 3 months
	DefaultCap            = 20
)

// Settings are the room's choices, kept in the store.
type Settings struct {
	InactiveDays   int `json:"inactiveDays,omitempty"`
	PendingDays    int `json:"pendingDays,omitempty"`
	RestrictMonths int `json:"restrictMonths,omitempty"`
	// Cap is the number of changes above which applying a change set
	// needs a second confirmation.
	Cap int `json:"cap,omitempty"`
	// Domains maps an e-mail domain (lower case) to a CRM account id,
	// over what the CRM's contacts and accounts say; "" marks a domain
	// as belonging to no customer.
	Domains map[string]string `json:"domains,omitempty"`
}

// ErrBadSetting is returned for a setting out of range.
var ErrBadSetting = errors.New("bad guests setting")

// withDefaults fills zero fields.
func (s Settings) withDefaults() Settings {
	if s.InactiveDays <= 0 {
		s.InactiveDays = DefaultInactiveDays
	}
	if s.PendingDays <= 0 {
		s.PendingDays = DefaultPendingDays
	}
	if s.RestrictMonths <= 0 {
		s.RestrictMonths = DefaultRestrictMonths
	}
	if s.Cap <= 0 {
		s.Cap = DefaultCap
	}
	return s
}

// SettingsStore is what settings need of the store.
type SettingsStore interface {
	Setting(ctx context.Context, name string, v any) error
	PutSetting(ctx context.Context, name string, v any) error
}

// LoadSettings reads the settings, with defaults filled in.
func LoadSettings(ctx context.Context, db SettingsStore) (Settings, error) {
	var s Settings
	if err := db.Setting(ctx, SettingName, &s); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Settings{}, fmt.Errorf("read guests settings: %w", err)
	}
	return s.withDefaults(), nil
}

// SaveSettings checks and stores the settings.
func SaveSettings(ctx context.Context, db SettingsStore, s Settings) error {
	for name, v := range map[string]int{"inactiveDays": s.InactiveDays, "pendingDays": s.PendingDays, "restrictMonths": s.RestrictMonths, "cap": s.Cap} {
		if v < 0 || v > 3650 {
			return fmt.Errorf("%w: %s = %d (0 for the default, at most 3650)", ErrBadSetting, name, v)
		}
	}
	clean := map[string]string{}
	for d, acc := range s.Domains {
		d = normDomain(d)
		if d == "" || strings.ContainsAny(d, " @/") {
			return fmt.Errorf("%w: domain %q", ErrBadSetting, d)
		}
		clean[d] = acc
	}
	s.Domains = clean
	if err := db.PutSetting(ctx, SettingName, s); err != nil {
		return fmt.Errorf("store guests settings: %w", err)
	}
	return nil
}

// MapDomain maps an e-mail domain to an account id ("" for no customer)
// in the stored settings.
func MapDomain(ctx context.Context, db SettingsStore, domain, accountID string) error {
	s, err := LoadSettings(ctx, db)
	if err != nil {
		return err
	}
	if s.Domains == nil {
		s.Domains = map[string]string{}
	}
	s.Domains[normDomain(domain)] = accountID
	return SaveSettings(ctx, db, s)
}

func normDomain(d string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
}

// domainOf is the domain of an e-mail address or web site, lower case.
func domainOf(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return s[i+1:]
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimPrefix(s, "www.")
	if i := strings.IndexAny(s, "/?#:"); i >= 0 {
		s = s[:i]
	}
	if !strings.Contains(s, ".") {
		return ""
	}
	return s
}
