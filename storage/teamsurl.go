package storage

import (
	"net/url"
	"strconv"
	"strings"
)

// TeamsURL is where a message opens in Microsoft Teams, so the user can
// reply there. Graph sends a channel message's webUrl, which is used as
// it is (when it is an https link to Teams); a chat message has none, and
// a channel message stored before Rapport kept webUrl has none either:
// then it is the deep link Teams documents (deep-link-teams: "navigate to
// chat messages" and "navigate to channel conversation"). teamID is the
// channel's team, "" for a chat.
func (m Message) TeamsURL(convID, teamID string) string {
	if strings.HasPrefix(m.WebURL, "https://teams.microsoft.com/") {
		return m.WebURL
	}
	base := "https://teams.microsoft.com/l/message/" + url.PathEscape(convID) + "/" + url.PathEscape(m.ID)
	if teamID == "" {
		return base + "?context=" + url.QueryEscape(`{"contextType":"chat"}`)
	}
	parent := m.ReplyTo
	if parent == "" {
		parent = m.ID
	}
	q := url.Values{"groupId": {teamID}, "parentMessageId": {parent}}
	if !m.Created.IsZero() {
		q.Set("createdTime", strconv.FormatInt(m.Created.UnixMilli(), 10))
	}
	return base + "?" + q.Encode()
}
