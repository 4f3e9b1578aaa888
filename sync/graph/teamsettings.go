package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"

	"github.com/rapport-app/rapport/storage"
)

// TeamSettings reads a team's member and guest settings (GET
// /teams/{id}?$select=memberSettings,guestSettings), the keys of
// storage.TeamSettingKeys.
func (c *Client) TeamSettings(ctx context.Context, teamID string) (storage.TeamSettings, error) {
	t, err := c.team(teamID).Get(ctx, &teams.TeamItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &teams.TeamItemRequestBuilderGetQueryParameters{Select: []string{"memberSettings", "guestSettings"}}})
	if err != nil {
		return nil, wrap("GET /teams/"+teamID, err)
	}
	out := storage.TeamSettings{}
	put := func(k string, v *bool) {
		if v != nil {
			out[k] = *v
		}
	}
	if m := t.GetMemberSettings(); m != nil {
		put("memberSettings.allowCreateUpdateChannels", m.GetAllowCreateUpdateChannels())
		put("memberSettings.allowCreatePrivateChannels", m.GetAllowCreatePrivateChannels())
		put("memberSettings.allowDeleteChannels", m.GetAllowDeleteChannels())
	}
	if g := t.GetGuestSettings(); g != nil {
		put("guestSettings.allowCreateUpdateChannels", g.GetAllowCreateUpdateChannels())
		put("guestSettings.allowDeleteChannels", g.GetAllowDeleteChannels())
	}
	return out, nil
}

// SetTeamSettings changes the given settings of a team (PATCH
// /teams/{id}: Graph answers 204). Sent once: the caller reads the
// settings back when the outcome is unknown.
func (c *Client) SetTeamSettings(ctx context.Context, teamID string, set storage.TeamSettings) error {
	body := models.NewTeam()
	var member models.TeamMemberSettingsable
	var guest models.TeamGuestSettingsable
	for k, v := range set {
		group, prop, _ := strings.Cut(k, ".")
		switch group {
		case "memberSettings":
			if member == nil {
				member = models.NewTeamMemberSettings()
			}
			switch prop {
			case "allowCreateUpdateChannels":
				member.SetAllowCreateUpdateChannels(&v)
			case "allowCreatePrivateChannels":
				member.SetAllowCreatePrivateChannels(&v)
			case "allowDeleteChannels":
				member.SetAllowDeleteChannels(&v)
			default:
				return fmt.Errorf("unknown team setting %q", k)
			}
		case "guestSettings":
			if guest == nil {
				guest = models.NewTeamGuestSettings()
			}
			switch prop {
			case "allowCreateUpdateChannels":
				guest.SetAllowCreateUpdateChannels(&v)
			case "allowDeleteChannels":
				guest.SetAllowDeleteChannels(&v)
			default:
				return fmt.Errorf("unknown team setting %q", k)
			}
		default:
			return fmt.Errorf("unknown team setting %q", k)
		}
	}
	if member != nil {
		body.SetMemberSettings(member)
	}
	if guest != nil {
		body.SetGuestSettings(guest)
	}
	_, err := c.team(teamID).Patch(ctx, body, nil)
	return wrap("PATCH /teams/"+teamID, err)
}
