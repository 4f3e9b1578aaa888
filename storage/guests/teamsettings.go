package guests

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// ActSettings changes a team's member or guest settings.
const ActSettings = "settings"

// Team settings a change may set, in Graph's names: group → properties
// (teamMemberSettings, teamGuestSettings: who may create, update and
// delete channels).
var SettingKeys = map[string][]string{
	"memberSettings": {"allowCreateUpdateChannels", "allowCreatePrivateChannels", "allowDeleteChannels"},
	"guestSettings":  {"allowCreateUpdateChannels", "allowDeleteChannels"},
}

// RestrictGuests are the settings the new-customer recommendation asks
// for (ActRestrict): guests may not create, update or delete channels.
func RestrictGuests() map[string]map[string]bool {
	return map[string]map[string]bool{"guestSettings": {"allowCreateUpdateChannels": false, "allowDeleteChannels": false}}
}

// PlanSettings adds a change of a team's member or guest settings to the
// change set (team: a name or id; set: group → property → value, only
// SettingKeys). The current values live in Teams, not in the store: the
// push reads them first and sends nothing when they already match.
func PlanSettings(ctx context.Context, db Store, now time.Time, team string, set map[string]map[string]bool, reason string) (Change, error) {
	if len(set) == 0 {
		return Change{}, fmt.Errorf("%w: no setting to change", ErrBadAction)
	}
	for group, props := range set {
		if len(props) == 0 {
			return Change{}, fmt.Errorf("%w: %s: no property", ErrBadAction, group)
		}
		for p := range props {
			if !contains(SettingKeys[group], p) {
				return Change{}, fmt.Errorf("%w: team setting %s.%s", ErrBadAction, group, p)
			}
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
	cs, err := Changes(ctx, db)
	if err != nil {
		return Change{}, err
	}
	for _, o := range cs {
		if o.Action == ActSettings && o.TeamID == tc.TeamID {
			return Change{}, fmt.Errorf("%w: %s", ErrPlanned, o.Describe())
		}
	}
	c := Change{ID: storage.NewID(), Action: ActSettings, TeamID: tc.TeamID, Team: tc.Team, Name: tc.Team, After: SettingsText(set),
		Settings: set, Reason: reason, Planned: now}
	if err := db.PutSetting(ctx, ChangesSetting, append(cs, c)); err != nil {
		return Change{}, fmt.Errorf("store planned changes: %w", err)
	}
	return c, nil
}

// SettingsText says what settings do, in words, in a stable order
// ("guestSettings.allowDeleteChannels=false, …").
func SettingsText(set map[string]map[string]bool) string {
	var out []string
	for group, props := range set {
		for p, v := range props {
			out = append(out, fmt.Sprintf("%s.%s=%v", group, p, v))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
