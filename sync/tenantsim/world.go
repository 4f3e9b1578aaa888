package tenantsim

import (
	"sync"
	"time"
)

// The world is the tenant's ground truth: who exists, which teams, channels
// and chats they share, and the CRM records behind them. Everything except
// message bodies is held in memory; messages are computed on demand from
// (seed, conversation, index) so that a million-message tenant costs little
// more than a small one (see messages.go).

// Tier is a customer's commercial tier.
type Tier string

// Customer tiers, as account managers group their customer teams.
const (
	TierVIP      Tier = "VIP"
	TierRegular  Tier = "regular"
	TierProspect Tier = "prospect"
)

// Stage is where a customer is in the relationship.
type Stage string

// Relationship stages.
const (
	StagePreSales       Stage = "pre-sales"
	StageImplementation Stage = "implementation"
	StageAfterSales     Stage = "after-sales"
)

// Lang is the main language of a customer's conversations.
type Lang string

// Message languages.
const (
	LangZH Lang = "zh"
	LangEN Lang = "en"
	LangFR Lang = "fr"
)

// User is a directory user: a colleague in the home tenant or a customer
// contact invited as a guest.
type User struct {
	ID                string
	DisplayName       string
	GivenName         string
	Surname           string
	Mail              string
	UPN               string
	JobTitle          string
	UserType          string // "Member" or "Guest"
	ExternalUserState string // guests: "PendingAcceptance" or "Accepted"; members: ""
	CreationType      string // guests: "Invitation"
	Created           time.Time
	LastSignIn        *time.Time // nil: never signed in
	PreferredLanguage string     // "zh-CN", "en-US", "fr-FR"
	Customer          int        // index into World.Customers, -1 for colleagues
	Disabled          bool       // accountEnabled false (an admin blocked sign-in)
}

// IsGuest reports whether u is a guest of the home tenant.
func (u *User) IsGuest() bool { return u.UserType == "Guest" }

// Customer is one client company: its Teams presence and its CRM account.
type Customer struct {
	Index     int
	Name      string // full legal name, e.g. 华东精密制造有限公司
	Short     string // what people call it in chat, e.g. 华东精密
	Domain    string // e-mail domain of its people
	City      string
	Industry  string
	Product   string // what it buys from us, named in conversations
	Tier      Tier
	Stage     Stage
	Lang      Lang
	Contacts  []*User // its people, all guests in the home tenant
	Owner     *User   // the account manager responsible (a colleague)
	AccountID string  // Dataverse accountid
	// Cases are the CRM case numbers (ticketnumber) this customer has;
	// conversations mention them.
	Cases []string
}

// Member is a user's membership of a team, channel or chat.
type Member struct {
	UserID string
	Roles  []string // [] member, ["owner"], ["guest"]
	Since  time.Time
}

// Team is a customer team.
type Team struct {
	ID          string // = the group id
	InternalID  string // 19:…@thread.tacv2
	DisplayName string
	Description string
	Visibility  string // "private"
	Created     time.Time
	Customer    int
	Channels    []*Channel
	Members     []Member
	Settings    TeamSettings
	Archived    bool
}

// TeamSettings mirrors Graph's team settings objects.
type TeamSettings struct {
	MemberAllowCreateUpdateChannels  bool
	MemberAllowCreatePrivateChannels bool
	MemberAllowDeleteChannels        bool
	MemberAllowAddRemoveApps         bool
	GuestAllowCreateUpdateChannels   bool
	GuestAllowDeleteChannels         bool
	AllowUserEditMessages            bool
	AllowUserDeleteMessages          bool
	AllowOwnerDeleteMessages         bool
	AllowTeamMentions                bool
	AllowChannelMentions             bool
	AllowGiphy                       bool
	GiphyContentRating               string
}

// ChannelKind is the purpose of a channel, which shapes its messages.
type ChannelKind string

// Channel kinds found in customer teams.
const (
	KindGeneral       ChannelKind = "general"
	KindAnnouncements ChannelKind = "announcements"
	KindQuestions     ChannelKind = "questions"
	KindIssues        ChannelKind = "issues"
	KindSharedData    ChannelKind = "shared-data"
	KindInternal      ChannelKind = "internal" // private, colleagues only
	KindChat          ChannelKind = "chat"     // 1:1 and group chats
)

// Channel is a team channel. Its messages are threads: Roots root posts,
// each with a deterministic number of replies.
type Channel struct {
	ID             string
	TeamID         string
	DisplayName    string
	Description    string
	MembershipType string // "standard", "private", "shared"
	Kind           ChannelKind
	Created        time.Time
	Members        []Member // private and shared channels only
	Roots          int
	conv           *conv
}

// Chat is a 1:1 or group chat.
type Chat struct {
	ID       string
	Topic    string // "" for oneOnOne
	ChatType string // "oneOnOne", "group"
	Created  time.Time
	Customer int
	Members  []Member
	Count    int    // generated messages
	Case     string // handover chats: the case number it is linked to
	conv     *conv
}

// Account, Contact, Incident, Opportunity, Article and SystemUser are the
// Dataverse rows the world starts with; dataverse.go stores them as
// generic rows so they can change.

// World is everything the generator makes.
type World struct {
	Seed       int64
	TenantID   string
	Domain     string // home tenant domain, e.g. lumen.onmicrosoft.com
	OrgName    string
	Me         *User // the account manager who signs in by default
	Users      []*User
	Customers  []*Customer
	Teams      []*Team
	Chats      []*Chat   // the chats Me is in
	Start, End time.Time // generated history spans [Start, End)
	Messages   int       // generated messages in the conversations Me is in

	// Handovers are colleagues' group chats with a customer that Me is
	// not in, each linked to a case in Dynamics (JoinLinkedChat adds Me).
	Handovers        []*Chat
	HandoverMessages int // generated messages in Handovers

	indexOnce sync.Once
	byID      map[string]*User
}
