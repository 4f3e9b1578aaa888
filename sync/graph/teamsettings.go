package graph

import (
	"context"
	"fmt"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"
)

// TeamSettings are a team's member and guest settings in Graph's shape:
// group ("memberSettings", "guestSettings") → property
// ("allowCreateUpdateChannels", …) → value. A change holds only the
// properties it sets.
type TeamSettings map[string]map[string]bool

// Team settings groups and the properties Rapport reads and changes
// (Graph's teamMemberSettings and teamGuestSettings).
const (
	MemberSettings = "memberSettings"
	GuestSettings  = "guestSettings"
)

// settingProps are the properties of each group, with their getters and
// setters on the SDK's models.
var settingProps = map[string]map[string]struct {
	get func(models.Teamable) *bool
	set func(models.Teamable, bool)
}{
	MemberSettings: {
		"allowCreateUpdateChannels": {
			func(t models.Teamable) *bool { return memberS(t).GetAllowCreateUpdateChannels() },
			func(t models.Teamable, v bool) { memberS(t).SetAllowCreateUpdateChannels(&v) }},
		"allowCreatePrivateChannels": {
			func(t models.Teamable) *bool { return memberS(t).GetAllowCreatePrivateChannels() },
			func(t models.Teamable, v bool) { memberS(t).SetAllowCreatePrivateChannels(&v) }},
		"allowDeleteChannels": {
			func(t models.Teamable) *bool { return memberS(t).GetAllowDeleteChannels() },
			func(t models.Teamable, v bool) { memberS(t).SetAllowDeleteChannels(&v) }},
	},
	GuestSettings: {
		"allowCreateUpdateChannels": {
			func(t models.Teamable) *bool { return guestS(t).GetAllowCreateUpdateChannels() },
			func(t models.Teamable, v bool) { guestS(t).SetAllowCreateUpdateChannels(&v) }},
		"allowDeleteChannels": {
			func(t models.Teamable) *bool { return guestS(t).GetAllowDeleteChannels() },
			func(t models.Teamable, v bool) { guestS(t).SetAllowDeleteChannels(&v) }},
	},
}

// KnownSetting says whether group.prop is a setting Rapport changes.
func KnownSetting(group, prop string) bool {
	_, ok := settingProps[group][prop]
	return ok
}

func memberS(t models.Teamable) models.TeamMemberSettingsable {
	if t.GetMemberSettings() == nil {
		t.SetMemberSettings(models.NewTeamMemberSettings())
	}
	return t.GetMemberSettings()
}

func guestS(t models.Teamable) models.TeamGuestSettingsable {
	if t.GetGuestSettings() == nil {
		t.SetGuestSettings(models.NewTeamGuestSettings())
	}
	return t.GetGuestSettings()
}

// GetTeamSettings reads a team's member and guest settings (GET
// /teams/{id}?$select=memberSettings,guestSettings).
func (c *Client) GetTeamSettings(ctx context.Context, teamID string) (TeamSettings, error) {
	t, err := c.team(teamID).Get(ctx, &teams.TeamItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &teams.TeamItemRequestBuilderGetQueryParameters{Select: []string{MemberSettings, GuestSettings}},
	})
	if err != nil {
		return nil, wrap("GET /teams/"+teamID, err)
	}
	out := TeamSettings{}
	for group, props := range settingProps {
		out[group] = map[string]bool{}
		for name, p := range props {
			if v := p.get(t); v != nil {
				out[group][name] = *v
			}
		}
	}
	return out, nil
}

// SetTeamSettings changes the given settings of a team (PATCH
// /teams/{id}; Graph answers 204). Setting a value twice is harmless, so
// an unknown outcome may be settled by reading the settings back.
func (c *Client) SetTeamSettings(ctx context.Context, teamID string, s TeamSettings) error {
	t := models.NewTeam()
	for group, props := range s {
		for name, v := range props {
			p, ok := settingProps[group][name]
			if !ok {
				return fmt.Errorf("team setting %s.%s: unknown", group, name)
			}
			p.set(t, v)
		}
	}
	_, err := c.team(teamID).Patch(ctx, t, nil)
	return wrap("PATCH /teams/"+teamID, err)
}
