package guests

import (
	"context"
	"errors"
	"fmt"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
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
	// as belonging to no customer. It is storage/accounts' one mapping,
	// which the client metrics read too, not kept with these settings.
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

// LoadSettings reads the settings, with defaults filled in; Domains is
// the one mapping of domains to accounts (storage/accounts).
func LoadSettings(ctx context.Context, db SettingsStore) (Settings, error) {
	var s Settings
	if err := db.Setting(ctx, SettingName, &s); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Settings{}, fmt.Errorf("read guests settings: %w", err)
	}
	d, err := accounts.Domains(ctx, db)
	if err != nil {
		return Settings{}, err
	}
	s.Domains = d
	return s.withDefaults(), nil
}

// SaveSettings checks and stores the settings. Domains, when not nil,
// replaces the mapping of domains to accounts (storage/accounts), which
// the client metrics read too; nil leaves it as it is.
func SaveSettings(ctx context.Context, db SettingsStore, s Settings) error {
	for name, v := range map[string]int{"inactiveDays": s.InactiveDays, "pendingDays": s.PendingDays, "restrictMonths": s.RestrictMonths, "cap": s.Cap} {
		if v < 0 || v > 3650 {
			return fmt.Errorf("%w: %s = %d (0 for the default, at most 3650)", ErrBadSetting, name, v)
		}
	}
	if s.Domains != nil {
		if _, err := accounts.SaveDomains(ctx, db, s.Domains); err != nil {
			if errors.Is(err, accounts.ErrBadDomain) {
				return fmt.Errorf("%w: %w", ErrBadSetting, err)
			}
			return err
		}
	}
	s.Domains = nil
	if err := db.PutSetting(ctx, SettingName, s); err != nil {
		return fmt.Errorf("store guests settings: %w", err)
	}
	return nil
}
