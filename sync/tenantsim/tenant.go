package tenantsim

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Tenant is the live state of the simulated tenant: the generated world
// plus every change made since (by Rapport through the APIs, or by tests
// and the demo through the control methods, "as another user would").
// It is safe for concurrent use.
type Tenant struct {
	mu       sync.Mutex
	w        *World
	clock    func() time.Time
	seq      int64 // change sequence, for delta tokens
	deltaGen int   // bumped by ExpireDeltaTokens

	users    map[string]*User
	teams    map[string]*Team
	channels map[string]*Channel
	chats    map[string]*Chat
	convs    map[string]*conv

	invitations []*Invitation
	dv          *dataverse
	drives      *driveState // channels' Files (files.go), made on first use
	auth        *entra
}

// Invitation is a B2B invitation sent through POST /invitations.
type Invitation struct {
	ID          string
	Email       string
	DisplayName string
	RedirectURL string
	SendMessage bool
	UserID      string
	Status      string
	Created     time.Time
}

func newTenant(w *World, clock func() time.Time) *Tenant {
	t := &Tenant{
		w: w, clock: clock,
		users: map[string]*User{}, teams: map[string]*Team{}, channels: map[string]*Channel{},
		chats: map[string]*Chat{}, convs: map[string]*conv{},
	}
	for _, u := range w.Users {
		t.users[u.ID] = u
	}
	for _, tm := range w.Teams {
		t.teams[tm.ID] = tm
		for _, ch := range tm.Channels {
			t.channels[ch.ID] = ch
			t.convs[ch.ID] = ch.conv
		}
	}
	for _, c := range append(slices.Clip(w.Chats), w.Handovers...) {
		t.chats[c.ID] = c
		t.convs[c.ID] = c.conv
	}
	t.dv = newDataverse(w)
	return t
}

// user looks a user up by id (the world's index; users are never removed).
func (w *World) user(id string) *User {
	w.indexOnce.Do(func() {
		w.byID = make(map[string]*User, len(w.Users))
		for _, u := range w.Users {
			w.byID[u.ID] = u
		}
	})
	if u, ok := w.byID[id]; ok {
		return u
	}
	return &User{ID: id, DisplayName: "Unknown user", UserType: "Member", Customer: -1}
}

// World returns the generated world. Callers must treat it as read-only.
func (t *Tenant) World() *World { return t.w }

// now is the tenant clock; never earlier than the end of generated history.
func (t *Tenant) now() time.Time {
	n := t.clock().UTC()
	if n.Before(t.w.End) {
		return t.w.End
	}
	return n
}

func (t *Tenant) nextSeq() int64 {
	t.seq++
	return t.seq
}

// Errors of the control methods.
var (
	ErrNoConversation = fmt.Errorf("no such chat or channel")
	ErrNoMessage      = fmt.Errorf("no such message")
	ErrNoUser         = fmt.Errorf("no such user")
)

// Post adds a message to a chat or channel (replyTo "" for a new chat
// message or channel thread) as userID, and returns it.
func (t *Tenant) Post(convID, replyTo, userID, html string) (*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.post(convID, replyTo, userID, html, "normal", "")
}

func (t *Tenant) post(convID, replyTo, userID, html, importance, subject string) (*Message, error) {
	c, ok := t.convs[convID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoConversation, convID)
	}
	if _, ok := t.users[userID]; !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoUser, userID)
	}
	if replyTo != "" {
		if c.channel == nil {
			return nil, fmt.Errorf("replies exist only in channels")
		}
		if root := c.get(replyTo); root == nil || root.ReplyToID != "" {
			return nil, fmt.Errorf("%w: root %s", ErrNoMessage, replyTo)
		}
	}
	id, at := c.nextID(t.now())
	m := &Message{
		ID: id, ReplyToID: replyTo, Type: "message", Created: at, LastModified: at,
		Importance: importance, Subject: subject, AuthorID: userID, HTML: html, Text: stripTags(html),
		Locale: "zh-cn",
	}
	if c.chat != nil {
		m.ChatID = c.chat.ID
	} else {
		m.TeamID, m.ChannelID = c.team.ID, c.channel.ID
	}
	c.added = append(c.added, m)
	root := m.ID
	if replyTo != "" {
		root = replyTo
	}
	c.recordChange(t.nextSeq(), root)
	return m, nil
}

// AddReplies posts n replies to the channel thread rootID, written by the
// channel's members in turn, and returns them oldest first. It makes the
// long threads whose replies Graph pages (more than 1,000 are not inlined
// by $expand=replies).
func (t *Tenant) AddReplies(convID, rootID string, n int) ([]*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.convs[convID]
	if !ok || c.channel == nil {
		return nil, fmt.Errorf("%w: %s is not a channel", ErrNoConversation, convID)
	}
	members := c.team.Members
	if c.channel.MembershipType == "private" {
		members = c.channel.Members
	}
	if len(members) == 0 {
		return nil, fmt.Errorf("%w: %s has no members to reply", ErrNoUser, convID)
	}
	out := make([]*Message, 0, n)
	for i := range n {
		body := fmt.Sprintf("<p>跟进 #%d：已收到，处理中。</p>", i+1)
		m, err := t.post(convID, rootID, members[i%len(members)].UserID, body, "normal", "")
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

// PostCard starts a channel thread, or adds a chat message, posted by app:
// one card attachment (contentType, and content the card's JSON) that the
// body references, as Graph delivers bot and connector posts. Its Text is
// left empty: the tenant reads only the cards it makes.
func (t *Tenant) PostCard(convID string, app App, contentType, content string) (*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.convs[convID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoConversation, convID)
	}
	id, at := c.nextID(t.now())
	a := Attachment{ID: hex32(t.w.Seed, "posted-card", convID, id), Card: contentType, Content: content}
	m := &Message{ID: id, Type: "message", Created: at, LastModified: at, Importance: "normal", App: &app,
		HTML: `<attachment id="` + a.ID + `"></attachment>`, Attachments: []Attachment{a}, Locale: "en-us"}
	if c.chat != nil {
		m.ChatID = c.chat.ID
	} else {
		m.TeamID, m.ChannelID = c.team.ID, c.channel.ID
	}
	c.added = append(c.added, m)
	c.recordChange(t.nextSeq(), m.ID)
	return m, nil
}

// Edit replaces a message's body as its author would.
func (t *Tenant) Edit(convID, msgID, html string) (*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mutate(convID, msgID, func(m *Message, now time.Time) {
		m.HTML, m.Text = html, stripTags(html)
		m.LastEdited = &now
	})
}

// Delete soft-deletes a message: it stays, with deletedDateTime set and an
// empty body, as in Graph.
func (t *Tenant) Delete(convID, msgID string) (*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mutate(convID, msgID, func(m *Message, now time.Time) {
		m.Deleted = &now
		m.HTML, m.Text, m.Attachments, m.Mentions, m.Hosted = "", "", nil, nil, nil
	})
}

// React adds a reaction by userID.
func (t *Tenant) React(convID, msgID, userID, reaction string) (*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mutate(convID, msgID, func(m *Message, now time.Time) {
		m.Reactions = append(m.Reactions, Reaction{Type: reaction, UserID: userID, Created: now})
	})
}

// mutate applies f to a copy of the message and stores the result with a
// new lastModifiedDateTime.
func (t *Tenant) mutate(convID, msgID string, f func(m *Message, now time.Time)) (*Message, error) {
	c, ok := t.convs[convID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoConversation, convID)
	}
	cur := c.get(msgID)
	if cur == nil {
		return nil, fmt.Errorf("%w: %s in %s", ErrNoMessage, msgID, convID)
	}
	m := *cur
	m.Reactions = append([]Reaction(nil), cur.Reactions...)
	now := t.now().Truncate(time.Millisecond)
	if !now.After(m.LastModified) {
		now = m.LastModified.Add(time.Millisecond)
	}
	f(&m, now)
	m.LastModified = now
	if idx := addedIndex(c, msgID); idx >= 0 {
		c.added[idx] = &m
	} else {
		c.overrides[msgID] = &m
	}
	root := m.ID
	if m.ReplyToID != "" {
		root = m.ReplyToID
	}
	c.recordChange(t.nextSeq(), root)
	return &m, nil
}

func addedIndex(c *conv, id string) int {
	for i, m := range c.added {
		if m.ID == id {
			return i
		}
	}
	return -1
}

// Messages returns the current messages of a conversation (replies
// included), oldest first. It is the ground truth tests compare against;
// for a large tenant it is expensive.
func (t *Tenant) Messages(convID string) ([]*Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.convs[convID]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoConversation, convID)
	}
	var out []*Message
	c.roots(0, func(_ int, m *Message) bool {
		out = append(out, m)
		out = append(out, c.replies(m)...)
		return true
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// Conversations lists the ids of the channels and chats Me is in (what a
// full sync of Me's account brings): a handover chat once Me joined it.
func (t *Tenant) Conversations() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, c := range t.w.convs() {
		if c.chat != nil && !slices.ContainsFunc(c.chat.Members, func(m Member) bool { return m.UserID == t.w.Me.ID }) {
			continue
		}
		out = append(out, c.id)
	}
	return out
}

// lastActivity is a chat's last message time.
func (c *conv) lastActivity() (time.Time, *Message) {
	var last *Message
	c.newestFirst(true, 0, func(_ int, m *Message) bool {
		last = m
		return false
	})
	if last == nil {
		if c.chat != nil {
			return c.chat.Created, nil
		}
		return c.channel.Created, nil
	}
	return last.Created, last
}

// SetMember adds userID to a team, private channel or chat with roles, or
// changes the roles of an existing member, as an owner would in Teams.
func (t *Tenant) SetMember(containerID, userID string, roles []string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	members, err := t.membersOf(containerID)
	if err != nil {
		return err
	}
	if _, ok := t.users[userID]; !ok {
		return fmt.Errorf("%w: %s", ErrNoUser, userID)
	}
	for i := range *members {
		if (*members)[i].UserID == userID {
			(*members)[i].Roles = roles
			return nil
		}
	}
	*members = append(*members, Member{UserID: userID, Roles: roles, Since: t.now()})
	return nil
}

// RemoveMember removes userID from a team, private channel or chat.
func (t *Tenant) RemoveMember(containerID, userID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	members, err := t.membersOf(containerID)
	if err != nil {
		return err
	}
	for i := range *members {
		if (*members)[i].UserID == userID {
			*members = append((*members)[:i], (*members)[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%w: %s is not a member of %s", ErrNoUser, userID, containerID)
}

// Invitations returns a copy of the invitations sent (POST /invitations).
func (t *Tenant) Invitations() []Invitation {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Invitation, len(t.invitations))
	for i, inv := range t.invitations {
		out[i] = *inv
	}
	return out
}

// Members returns a copy of the members of a team, private channel or
// chat (the ground truth tests compare with).
func (t *Tenant) Members(containerID string) ([]Member, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	members, err := t.membersOf(containerID)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(*members))
	for i, m := range *members {
		m.Roles = slices.Clone(m.Roles)
		out[i] = m
	}
	return out, nil
}

// TeamSettings returns a team's settings (ground truth for tests).
func (t *Tenant) TeamSettings(teamID string) (TeamSettings, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tm, ok := t.teams[teamID]
	if !ok {
		return TeamSettings{}, fmt.Errorf("%w: %s (a team)", ErrNoConversation, teamID)
	}
	return tm.Settings, nil
}

func (t *Tenant) membersOf(id string) (*[]Member, error) {
	if tm, ok := t.teams[id]; ok {
		return &tm.Members, nil
	}
	if ch, ok := t.channels[id]; ok && ch.MembershipType != "standard" {
		return &ch.Members, nil
	}
	if c, ok := t.chats[id]; ok {
		return &c.Members, nil
	}
	return nil, fmt.Errorf("%w: %s (a team, private channel or chat)", ErrNoConversation, id)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// stripTags is the rough plain text of posted HTML, as Graph's previews
// carry text (never script content, which previews do not show).
func stripTags(h string) string {
	h = regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(h, "")
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(h, "")))
}
