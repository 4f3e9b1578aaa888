package tenantsim

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"
)

var locales = map[Lang]string{LangZH: "zh-cn", LangEN: "en-us", LangFR: "fr-fr"}

var reactionTypes = []string{"like", "heart", "laugh", "surprised", "like", "like", "👍", "🙏"}

// compose computes generated message (root i, reply k; k < 0 for a root
// or a chat message) of conversation c. It is a pure function of the seed
// and its arguments.
func (w *World) compose(c *conv, i, k int, created time.Time, replyTo string) *Message {
	r := rng(w.Seed, "msg", c.id, i, k)
	m := &Message{
		ID:           strconv.FormatInt(created.UnixMilli(), 10),
		ReplyToID:    replyTo,
		Type:         "message",
		Created:      created,
		LastModified: created,
		Importance:   "normal",
	}
	var members []Member
	var cust *Customer
	kind := KindChat
	if c.chat != nil {
		m.ChatID = c.chat.ID
		members = c.chat.Members
		if c.chat.Customer >= 0 {
			cust = w.Customers[c.chat.Customer]
		}
	} else {
		m.TeamID, m.ChannelID = c.team.ID, c.channel.ID
		cust = w.Customers[c.team.Customer]
		kind = c.channel.Kind
		members = c.team.Members
		if c.channel.MembershipType == "private" {
			members = c.channel.Members
		}
	}
	lang := LangZH
	if cust != nil {
		lang = cust.Lang
	}
	m.Locale = locales[lang]

	// The first message of every conversation records who was added.
	if i == 0 && k < 0 {
		m.Type = "systemEventMessage"
		m.HTML = "<systemEventMessage/>"
		m.Event = &Event{Type: "membersAdded", Initiator: w.Me.ID}
		if c.chat != nil && c.chat.Case != "" {
			m.Event.Initiator = members[0].UserID // a colleague's chat
		}
		for _, mb := range members {
			m.Event.Members = append(m.Event.Members, mb.UserID)
		}
		return m
	}

	if c.channel != nil && k < 0 {
		if cm := w.cardPost(c, i, m, cust, members); cm != nil {
			return cm
		}
	}

	author := w.pickAuthor(r, members, kind, cust)
	if author == w.Me && c.chat != nil && c.chat.Case != "" {
		author = w.user(members[0].UserID) // Me is not in handover chats
	}
	var others []*User
	for _, mb := range members {
		if mb.UserID != author.ID {
			others = append(others, w.user(mb.UserID))
		}
	}
	if cust == nil {
		// An internal chat: colleagues talk about some customer.
		cust = w.Customers[r.IntN(len(w.Customers))]
		kind = KindInternal
	}
	ct := compose(r, contentSpec{Lang: lang, Kind: kind, Customer: cust, Author: author, Others: others, Root: c.channel != nil && k < 0, Reply: k >= 0})
	m.AuthorID = author.ID
	m.Subject = ct.Subject
	m.Importance = ct.Importance
	m.Hostile = ct.Hostile
	m.Text = ct.Text
	m.Lang = ct.Lang
	for _, t := range ct.Topics {
		m.Topics = append(m.Topics, topicNames[t])
	}
	m.Hashtags = ct.Hashtags
	html := ct.HTML
	for j, u := range ct.Mentions {
		m.Mentions = append(m.Mentions, Mention{ID: j, UserID: u.ID, Text: u.DisplayName})
	}
	site := "https://lumen.sharepoint.com/sites/" + url.PathEscape(strings.ReplaceAll(cust.Short, " ", ""))
	for j, f := range ct.Files {
		a := Attachment{ID: guid(w.Seed, "file", c.id, m.ID, j), Name: f.Name, URL: site + "/Shared%20Documents/" + url.PathEscape(f.Name)}
		m.Attachments = append(m.Attachments, a)
		html = strings.ReplaceAll(html, fmt.Sprintf("{{file:%d}}", j), a.ID)
	}
	for j := 0; j < ct.Images; j++ {
		id := hostedID(w.Seed, c.id, m.ID, j)
		m.Hosted = append(m.Hosted, id)
		html = strings.ReplaceAll(html, fmt.Sprintf("{{hosted:%d}}", j), hostedURL(c, m.ReplyToID, m.ID, id))
	}
	m.HTML = html

	c.fate(r, i, k, m, others)
	return m
}

// fate gives generated message m (root i, reply k) its later history: a
// deletion or an edit, and reactions from others; all within a quarter of
// the gap so that generated order by lastModified equals order by
// creation.
func (c *conv) fate(r *rand.Rand, i, k int, m *Message, others []*User) {
	created := m.Created
	quarter := c.gap / 4
	if k >= 0 {
		quarter = c.gap / time.Duration(8*(c.replyCount(i)+1))
	}
	switch x := r.IntN(1000); {
	case x < 15:
		t := created.Add(time.Duration(1 + r.Int64N(int64(quarter)))).Truncate(time.Millisecond)
		m.Deleted = &t
		m.LastModified = t
		m.HTML, m.Text, m.Attachments, m.Mentions, m.Hosted = "", "", nil, nil, nil
	case x < 65:
		t := created.Add(time.Duration(1 + r.Int64N(int64(quarter)))).Truncate(time.Millisecond)
		m.LastEdited = &t
		m.LastModified = t
	}
	if m.Deleted == nil && r.IntN(10) == 0 && len(others) > 0 {
		for j := 0; j < 1+r.IntN(3) && j < len(others); j++ {
			t := created.Add(time.Duration(1 + r.Int64N(int64(quarter)))).Truncate(time.Millisecond)
			m.Reactions = append(m.Reactions, Reaction{Type: reactionTypes[r.IntN(len(reactionTypes))], UserID: others[j].ID, Created: t})
			if t.After(m.LastModified) {
				m.LastModified = t
			}
		}
	}
}

// pickAuthor chooses who writes a message: in customer conversations the
// account manager and the customer's people carry most of it.
func (w *World) pickAuthor(r interface{ IntN(int) int }, members []Member, kind ChannelKind, cust *Customer) *User {
	var colleagues, guests []*User
	for _, mb := range members {
		u := w.user(mb.UserID)
		if u.IsGuest() {
			guests = append(guests, u)
		} else {
			colleagues = append(colleagues, u)
		}
	}
	if len(guests) > 0 && kind != KindAnnouncements && kind != KindInternal && r.IntN(100) < 50 {
		return guests[r.IntN(len(guests))]
	}
	if r.IntN(100) < 60 || len(colleagues) == 1 {
		return w.Me
	}
	return colleagues[r.IntN(len(colleagues))]
}

// hostedID makes a hosted-content id, shaped like Graph's base64 ids.
func hostedID(seed int64, conv, msg string, j int) string {
	return "aWQ9" + hex32(seed, "hosted", conv, msg, j)[:24] + "LHR5cGU9MQ=="
}

// hostedURL is where an inline image is served; {{graph}} is replaced by
// the Graph base URL when the message is rendered.
func hostedURL(c *conv, replyTo, msgID, id string) string {
	if c.chat != nil {
		return "{{graph}}/chats/" + url.PathEscape(c.id) + "/messages/" + msgID + "/hostedContents/" + id + "/$value"
	}
	msg := "/messages/" + msgID
	if replyTo != "" {
		msg = "/messages/" + replyTo + "/replies/" + msgID
	}
	return "{{graph}}/teams/" + c.team.ID + "/channels/" + url.PathEscape(c.id) + msg + "/hostedContents/" + id + "/$value"
}
