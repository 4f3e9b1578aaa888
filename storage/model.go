package storage

import "time"

// The domain model as Rapport stores it. Values are JSON in bbolt; every
// type here is a plain value (no pointers into the database).

// User is a directory user: a colleague or a guest.
type User struct {
	ID                string     `json:"id"`
	DisplayName       string     `json:"displayName"`
	Mail              string     `json:"mail,omitempty"`
	UPN               string     `json:"upn,omitempty"`
	UserType          string     `json:"userType,omitempty"` // Member or Guest
	ExternalUserState string     `json:"externalUserState,omitempty"`
	Created           *time.Time `json:"created,omitempty"`
	LastSignIn        *time.Time `json:"lastSignIn,omitempty"`
	// SignInRead says the tenant answered signInActivity for this user
	// (AuditLog.Read.All on an Entra P1/P2 tenant): LastSignIn nil then
	// means never signed in, not "not known".
	SignInRead bool `json:"signInRead,omitempty"`
	// StateChanged is externalUserStateChangeDateTime: when a guest's
	// invitation was sent (PendingAcceptance) or accepted.
	StateChanged *time.Time `json:"stateChanged,omitempty"`
	// Disabled is accountEnabled false.
	Disabled bool `json:"disabled,omitempty"`
}

// Team is a Teams team the user belongs to.
type Team struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Archived    bool   `json:"archived,omitempty"`
	// Settings are the team's member and guest settings as Graph last
	// gave them (nil: not read), and when: sync reads them again after
	// a while (they change rarely) and the outbox records what a
	// settings change it pushed left (DB.SetTeamSettings).
	Settings     TeamSettings `json:"settings,omitempty"`
	SettingsRead time.Time    `json:"settingsRead,omitzero"`
}

// TeamSettings are a team's settings, keyed by Graph's group and property
// ("guestSettings.allowCreateUpdateChannels"): the ones TeamSettingKeys
// lists.
type TeamSettings map[string]bool

// TeamSettingKeys are the team settings Rapport reads and changes: what
// members and guests may do with channels (Graph's memberSettings and
// guestSettings).
var TeamSettingKeys = []string{
	"memberSettings.allowCreateUpdateChannels",
	"memberSettings.allowCreatePrivateChannels",
	"memberSettings.allowDeleteChannels",
	"guestSettings.allowCreateUpdateChannels",
	"guestSettings.allowDeleteChannels",
}

// Channel is a team channel.
type Channel struct {
	ID             string     `json:"id"`
	TeamID         string     `json:"teamId"`
	Name           string     `json:"name"`
	Description    string     `json:"description,omitempty"`
	MembershipType string     `json:"membershipType"` // one of ChannelMembershipTypes
	Created        *time.Time `json:"created,omitempty"`
}

// Channel membership types, as Graph names them (channelMembershipType):
// unknownFutureValue stands for a type newer than the client asked for.
const (
	ChannelStandard = "standard"
	ChannelPrivate  = "private"
	ChannelShared   = "shared"
	ChannelUnknown  = "unknownFutureValue"
)

// ChannelMembershipTypes are the values Channel.MembershipType takes.
var ChannelMembershipTypes = []string{ChannelStandard, ChannelPrivate, ChannelShared, ChannelUnknown}

// Chat is a 1:1 or group chat.
type Chat struct {
	ID           string    `json:"id"`
	Topic        string    `json:"topic,omitempty"`
	ChatType     string    `json:"chatType"`
	Created      time.Time `json:"created"`
	LastUpdated  time.Time `json:"lastUpdated"`
	LastActivity time.Time `json:"lastActivity"` // the last message's time
	Preview      string    `json:"preview,omitempty"`
	PreviewFrom  string    `json:"previewFrom,omitempty"`
}

// Member is a user's membership of a team, channel or chat.
type Member struct {
	ContainerID string   `json:"containerId"`
	UserID      string   `json:"userId"`
	DisplayName string   `json:"displayName"`
	Email       string   `json:"email,omitempty"`
	Roles       []string `json:"roles"`
	// Since is when sync first found the member here: Graph gives no
	// join date. nil for members already there at the container's first
	// sync (members since before Rapport looked).
	Since *time.Time `json:"since,omitempty"`
}

// Role is "owner", "guest" or "member".
func (m Member) Role() string {
	for _, r := range m.Roles {
		if r == "owner" || r == "guest" {
			return r
		}
	}
	return "member"
}

// Message is a chat or channel message without its body (see Body).
type Message struct {
	ConvID      string       `json:"-"` // chat id or channel id (the key holds it)
	TeamID      string       `json:"-"` // channel messages (from the channel)
	ID          string       `json:"id"`
	ReplyTo     string       `json:"replyTo,omitempty"`
	Type        string       `json:"type"` // message, systemEventMessage, …
	Created     time.Time    `json:"created"`
	Modified    time.Time    `json:"modified"`
	Edited      *time.Time   `json:"edited,omitempty"`
	Deleted     *time.Time   `json:"deleted,omitempty"`
	Subject     string       `json:"subject,omitempty"`
	Importance  string       `json:"importance,omitempty"`
	Locale      string       `json:"locale,omitempty"`
	FromID      string       `json:"fromId,omitempty"`
	FromName    string       `json:"fromName,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	Mentions    []Mention    `json:"mentions,omitempty"`
	Reactions   []Reaction   `json:"reactions,omitempty"`
	Hosted      []string     `json:"hosted,omitempty"` // hosted content ids of inline images
	Event       string       `json:"event,omitempty"`  // system event type
	// EventMembers are the users a membersAdded or membersJoined event
	// names (Graph's eventDetail.members): when they joined the
	// conversation.
	EventMembers []string `json:"eventMembers,omitempty"`
	TextBody     bool     `json:"textBody,omitempty"` // body is plain text, not HTML
	ETag         string   `json:"etag,omitempty"`
	WebURL       string   `json:"webUrl,omitempty"` // Graph's link to it in Teams (channel messages); see TeamsURL
}

// Attachment is a file or card attached to a message. A card's content is
// kept with the body (Body.Cards).
type Attachment struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
	Name        string `json:"name,omitempty"`
	URL         string `json:"url,omitempty"`
}

// The card attachments whose content Rapport keeps, shows and indexes
// (storage/content turns them into HTML and text). Other attachments with
// content (quoted messages, code snippets, Loop components) are listed by
// name only.
const (
	CardAdaptive  = "application/vnd.microsoft.card.adaptive"
	CardHero      = "application/vnd.microsoft.card.hero"
	CardThumbnail = "application/vnd.microsoft.card.thumbnail"
	CardConnector = "application/vnd.microsoft.teams.card.o365connector"
)

// IsCard reports whether an attachment of this content type is a card
// whose content is kept.
func IsCard(contentType string) bool {
	switch contentType {
	case CardAdaptive, CardHero, CardThumbnail, CardConnector:
		return true
	}
	return false
}

// Card is a card attachment's content as Graph sent it: a JSON document,
// untrusted like the body, rendered through package content before
// anything shows it.
type Card struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

// Mention is an @mention.
type Mention struct {
	ID     int    `json:"id"`
	UserID string `json:"userId,omitempty"`
	Text   string `json:"text"`
}

// Reaction is one user's reaction.
type Reaction struct {
	Type   string    `json:"type"`
	UserID string    `json:"userId"`
	At     time.Time `json:"at"`
}

// Body is a message's content as Graph sent it: untrusted HTML (or text)
// and the content of its card attachments, rendered through package
// content before anything shows it, never handed to the UI raw. Retained
// and RetainedCards keep the last content of a message deleted upstream,
// so local annotations never point at nothing. Stores written before
// cards were kept have no Cards (migration 5 lists those conversations
// again).
type Body struct {
	Raw           string `json:"raw,omitempty"`
	Retained      string `json:"retained,omitempty"`
	Cards         []Card `json:"cards,omitempty"`
	RetainedCards []Card `json:"retainedCards,omitempty"`
}

// Record is a Dataverse row kept for offline use.
type Record struct {
	Set      string         `json:"set"` // entity set, e.g. incidents
	ID       string         `json:"id"`
	ETag     string         `json:"etag,omitempty"`
	Fields   map[string]any `json:"fields"`
	Deleted  *time.Time     `json:"deleted,omitempty"` // removed upstream
	Modified time.Time      `json:"modified"`
}

// Cursor is the sync position of one source.
type Cursor struct {
	Source    string    `json:"source"`              // e.g. "channel:<id>", "chat:<id>", "dv:incidents"
	Link      string    `json:"link,omitempty"`      // next or delta link to resume from
	Watermark time.Time `json:"watermark,omitempty"` // chats: newest lastModified stored
	Pending   time.Time `json:"pending,omitempty"`   // watermark to adopt once the listing completes
	Seen      time.Time `json:"seen,omitempty"`      // chats: lastUpdated when last synced
	LastSync  time.Time `json:"lastSync,omitempty"`
	State     string    `json:"state,omitempty"` // "", "partial", "error"
	Error     string    `json:"error,omitempty"`
}
