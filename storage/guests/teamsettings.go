package guests

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// Changes a change set plans on a team's settings.
const (
	// ActSettings changes some of a team's member and guest settings
	// (storage.TeamSettingKeys), planned with PlanSettings.
	ActSettings = "settings"
	// ActRestrict (a new customer's recommendation) plans ActSettings
	// with RestrictedGuests.
	ActRestrict = "restrict"
)

// RestrictedGuests are the settings of seed 000's rule: a new customer's
// guests may not create, update or delete channels.
func RestrictedGuests() storage.TeamSettings {
	return storage.TeamSettings{"guestSettings.allowCreateUpdateChannels": false, "guestSettings.allowDeleteChannels": false}
}

// restricted says whether a team's known settings already keep guests
// from creating, updating and deleting channels.
func restricted(s storage.TeamSettings) bool {
	for k, v := range RestrictedGuests() {
		if got, ok := s[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// settingWords says what each setting lets people do, for previews, the
// audit log and evidence.
var settingWords = map[string]string{
	"memberSettings.allowCreateUpdateChannels":  "members may create and update channels",
	"memberSettings.allowCreatePrivateChannels": "members may create private channels",
	"memberSettings.allowDeleteChannels":        "members may delete channels",
	"guestSettings.allowCreateUpdateChannels":   "guests may create and update channels",
	"guestSettings.allowDeleteChannels":         "guests may delete channels",
}

// DescribeSettings says settings in words, in storage.TeamSettingKeys'
// order ("" for none): "guests may delete channels: no".
func DescribeSettings(s storage.TeamSettings) string {
	var parts []string
	for _, k := range storage.TeamSettingKeys {
		if v, ok := s[k]; ok {
			yes := "no"
			if v {
				yes = "yes"
			}
			parts = append(parts, settingWords[k]+": "+yes)
		}
	}
	return strings.Join(parts, ", ")
}

// ParseSettings reads KEY=VALUE words (or comma-separated lists of them):
// KEY a storage.TeamSettingKeys entry (any case), VALUE true/false,
// on/off or yes/no.
func ParseSettings(words []string) (storage.TeamSettings, error) {
	out := storage.TeamSettings{}
	var split []string
	for _, w := range words {
		split = append(split, strings.Split(w, ",")...)
	}
	for _, w := range split {
		k, v, ok := strings.Cut(w, "=")
		i := slices.IndexFunc(storage.TeamSettingKeys, func(s string) bool { return strings.EqualFold(s, strings.TrimSpace(k)) })
		if !ok || i < 0 {
			return nil, fmt.Errorf("%w: %q (a setting is one of %s, then =on or =off)", ErrBadAction, w, strings.Join(storage.TeamSettingKeys, ", "))
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "on", "yes":
			out[storage.TeamSettingKeys[i]] = true
		case "false", "off", "no":
			out[storage.TeamSettingKeys[i]] = false
		default:
			return nil, fmt.Errorf("%w: %q (on or off)", ErrBadAction, w)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no setting given", ErrBadAction)
	}
	return out, nil
}

// PlanSettings adds a change of a team's settings to the change set. Its
// preview is the settings as last synced (unknown ones say so) and as
// wanted; settings already as wanted are left out, and a change that
// would change nothing is ErrAlreadyRole. One settings change per team
// waits in a change set at a time (ErrPlanned).
func PlanSettings(ctx context.Context, db Store, now time.Time, team string, set storage.TeamSettings, reason string) (Change, error) {
	if len(set) == 0 {
		return Change{}, fmt.Errorf("%w: no setting to change", ErrBadAction)
	}
	for k := range set {
		if !slices.Contains(storage.TeamSettingKeys, k) {
			return Change{}, fmt.Errorf("%w: team setting %q", ErrBadAction, k)
		}
	}
	r, err := Read(ctx, db, now, Query{})
	if err != nil {
		return Change{}, err
	}
	tc, err := findContainer(r.Containers, team, "", false)
	if err != nil {
		return Change{}, err
	}
	want, before := storage.TeamSettings{}, storage.TeamSettings{}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(storage.TeamSettingKeys, k) {
			return Change{}, fmt.Errorf("%w: team setting %q", ErrBadAction, k)
		}
		cur, known := tc.Settings[k]
		if known && cur == set[k] {
			continue
		}
		want[k] = set[k]
		if known {
			before[k] = cur
		}
	}
	if len(want) == 0 {
		return Change{}, fmt.Errorf("%s: %w (%s)", tc.Team, ErrAlreadyRole, DescribeSettings(set))
	}
	b := DescribeSettings(before)
	if len(before) < len(want) {
		b = strings.TrimPrefix(b+", not synced yet: the rest", ", ")
	}
	c := Change{ID: storage.NewID(), Action: ActSettings, TeamID: tc.TeamID, Team: tc.Team, Name: tc.Team,
		Before: b, After: DescribeSettings(want), Settings: want, Reason: reason, Planned: now}
	cs, err := Changes(ctx, db)
	if err != nil {
		return Change{}, err
	}
	for _, o := range cs {
		if o.Action == ActSettings && o.TeamID == c.TeamID {
			return Change{}, fmt.Errorf("%w: %s", ErrPlanned, o.Describe())
		}
	}
	if err := db.PutSetting(ctx, ChangesSetting, append(cs, c)); err != nil {
		return Change{}, fmt.Errorf("store planned changes: %w", err)
	}
	return c, nil
}
