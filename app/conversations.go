package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
)

// Conversations serves teams, channels, chats and their messages from the
// store. Message bodies leave only as sanitized HTML. It is safe for
// concurrent use.
type Conversations struct{ c *Core }

// TeamDTO is a team with its channels.
type TeamDTO struct {
	storage.Team
	Channels []storage.Channel `json:"channels"`
}

// Teams lists teams with their channels (General first, then by name).
func (s *Conversations) Teams() ([]TeamDTO, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	teams, err := db.Teams(s.c.ctx)
	if err != nil {
		return nil, err
	}
	chans, err := db.Channels(s.c.ctx, "")
	if err != nil {
		return nil, err
	}
	byTeam := map[string][]storage.Channel{}
	for _, ch := range chans {
		byTeam[ch.TeamID] = append(byTeam[ch.TeamID], ch)
	}
	out := make([]TeamDTO, 0, len(teams))
	for _, t := range teams {
		cs := byTeam[t.ID]
		sort.SliceStable(cs, func(i, j int) bool {
			if (cs[i].Name == "General") != (cs[j].Name == "General") {
				return cs[i].Name == "General"
			}
			return cs[i].Name < cs[j].Name
		})
		out = append(out, TeamDTO{Team: t, Channels: cs})
	}
	return out, nil
}

// ChatDTO is a chat with a display name.
type ChatDTO struct {
	storage.Chat
	Name string `json:"name"`
}

// Chats lists chats by last activity; 1:1 chats are named after the other
// people in them.
func (s *Conversations) Chats() ([]ChatDTO, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	chats, err := db.Chats(s.c.ctx)
	if err != nil {
		return nil, err
	}
	me := s.c.meID()
	out := make([]ChatDTO, 0, len(chats))
	for _, ch := range chats {
		name := ch.Topic
		if name == "" {
			ms, err := db.Members(s.c.ctx, ch.ID)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if m.UserID != me {
					if name != "" {
						name += ", "
					}
					name += m.DisplayName
				}
			}
		}
		out = append(out, ChatDTO{Chat: ch, Name: name})
	}
	return out, nil
}

// MessageDTO is a message as the UI shows it: sanitized HTML only.
type MessageDTO struct {
	ID          string               `json:"id"`
	ReplyTo     string               `json:"replyTo,omitempty"`
	Type        string               `json:"type"`
	Created     time.Time            `json:"created"`
	Edited      *time.Time           `json:"edited,omitempty"`
	Deleted     *time.Time           `json:"deleted,omitempty"`
	Subject     string               `json:"subject,omitempty"`
	Importance  string               `json:"importance"`
	From        string               `json:"from"`
	HTML        string               `json:"html"`
	Event       string               `json:"event,omitempty"`
	Attachments []storage.Attachment `json:"attachments,omitempty"`
	Reactions   map[string]int       `json:"reactions,omitempty"`
	// ReactedBy names who reacted, by reaction (people Rapport does not
	// know are counted in Reactions, not named).
	ReactedBy map[string][]string `json:"reactedBy,omitempty"`
	Mine      bool                `json:"mine,omitempty"`     // the signed-in user wrote it
	TeamsURL  string              `json:"teamsUrl,omitempty"` // where it opens in Teams (storage.Message.TeamsURL)
}

// MessagesPage is a page of messages, newest first.
type MessagesPage struct {
	Messages []MessageDTO `json:"messages"`
	// Before is the cursor for the next (older) page; "" at the start.
	Before string `json:"before"`
}

// Messages lists a conversation's messages newest first, limit at a time
// (≤ 500), before the cursor of the previous page ("" for the newest).
func (s *Conversations) Messages(convID, before string, limit int) (MessagesPage, error) {
	if limit <= 0 || limit > 500 {
		return MessagesPage{}, fmt.Errorf("%w: limit %d (1–500)", errInvalid, limit)
	}
	var at time.Time
	if before != "" {
		t, err := time.Parse(time.RFC3339Nano, before)
		if err != nil {
			return MessagesPage{}, fmt.Errorf("%w: before %q", errInvalid, before)
		}
		at = t
	}
	db, err := s.c.store()
	if err != nil {
		return MessagesPage{}, err
	}
	ms, err := db.Messages(s.c.ctx, convID, at, limit)
	if err != nil {
		return MessagesPage{}, err
	}
	out := MessagesPage{Messages: make([]MessageDTO, 0, len(ms))}
	pg := s.c.dtoPage(db, convID)
	for _, m := range ms {
		out.Messages = append(out.Messages, pg.messageDTO(m))
	}
	if len(ms) == limit {
		out.Before = ms[len(ms)-1].Created.Format(time.RFC3339Nano)
	}
	return out, nil
}

// messages is what the messages of one page share: their conversation,
// its team ("" for a chat), the signed-in user and the names of the
// people who reacted, looked up once each.
type messages struct {
	c              *Core
	db             *storage.DB
	convID, teamID string
	me             string
	names          map[string]string
}

func (c *Core) dtoPage(db *storage.DB, convID string) *messages {
	pg := &messages{c: c, db: db, convID: convID, me: c.meID(), names: map[string]string{}}
	if chans, err := db.Channels(c.ctx, ""); err == nil {
		for _, ch := range chans {
			if ch.ID == convID {
				pg.teamID = ch.TeamID
			}
		}
	}
	return pg
}

func (pg *messages) name(userID string) string {
	n, ok := pg.names[userID]
	if !ok {
		if u, err := pg.db.User(pg.c.ctx, userID); err == nil {
			n = u.DisplayName
		}
		pg.names[userID] = n
	}
	return n
}

// messageDTO renders a stored message for the UI: its body sanitized, its
// inline images pointed at the /hosted/ route, then its cards (sanitized
// too); the attachment list names the rest (files, quotes).
func (pg *messages) messageDTO(m storage.MessageWithBody) MessageDTO {
	c, db, convID := pg.c, pg.db, pg.convID
	d := MessageDTO{ID: m.ID, ReplyTo: m.ReplyTo, Type: m.Type, Created: m.Created, Edited: m.Edited, Deleted: m.Deleted,
		Subject: m.Subject, Importance: m.Importance, From: m.FromName, Event: m.Event,
		Mine: pg.me != "" && m.FromID == pg.me, TeamsURL: m.TeamsURL(convID, pg.teamID)}
	for _, a := range m.Attachments {
		if !storage.IsCard(a.ContentType) {
			d.Attachments = append(d.Attachments, a)
		}
	}
	if m.Deleted == nil {
		d.HTML, _ = content.Message(m.Body.Raw, m.TextBody, content.Options{Hosted: func(id string) string {
			if !db.HasHosted(c.ctx, convID, m.ID, id) {
				return "" // not fetched (yet): shown as "[image]"
			}
			return c.hostedURL(convID, m.ID, id)
		}, CaseLink: caseLink})
		for _, cd := range m.Body.Cards {
			if safe, _, _ := content.Card(cd.ContentType, cd.Content); safe != "" {
				d.HTML += safe
			}
		}
	}
	for _, r := range m.Reactions {
		if d.Reactions == nil {
			d.Reactions = map[string]int{}
		}
		d.Reactions[r.Type]++
		if n := pg.name(r.UserID); n != "" {
			if d.ReactedBy == nil {
				d.ReactedBy = map[string][]string{}
			}
			d.ReactedBy[r.Type] = append(d.ReactedBy[r.Type], n)
		}
	}
	return d
}

// Members lists a team's, channel's or chat's members.
func (s *Conversations) Members(containerID string) ([]storage.Member, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	return db.Members(s.c.ctx, containerID)
}

// Records serves cached Dataverse rows. It is safe for concurrent use.
type Records struct{ c *Core }

// List returns the rows of one entity set (e.g. "incidents").
func (s *Records) List(set string) ([]storage.Record, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	return db.Records(s.c.ctx, set)
}

// meID is the signed-in user's id as the last sync recorded it.
func (c *Core) meID() string {
	db, err := c.store()
	if err != nil {
		return ""
	}
	id, _ := db.Me(c.ctx)
	return id
}

// hostedURL is an inline image's address in the /hosted/ route:
// /hosted/TOKEN/MAC, where TOKEN names the image and MAC is TOKEN's HMAC
// under this launch's key. Image elements cannot send the session
// header, so the URL itself is the credential, valid for one image and
// one launch.
func (c *Core) hostedURL(convID, msgID, hostedID string) string {
	tok := base64.RawURLEncoding.EncodeToString([]byte(convID + "\x00" + msgID + "\x00" + hostedID))
	return "/hosted/" + tok + "/" + c.hostedMAC(tok)
}

func (c *Core) hostedMAC(tok string) string {
	m := hmac.New(sha256.New, c.hostedKey[:])
	m.Write([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// serveHosted serves a stored inline image: images only, never scripts or
// documents, whatever bytes the message carried, and only at an address
// hostedURL made in this launch.
func (c *Core) serveHosted(w http.ResponseWriter, r *http.Request) {
	tok, mac, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/hosted/"), "/")
	if !hmac.Equal([]byte(mac), []byte(c.hostedMAC(tok))) {
		http.NotFound(w, r)
		return
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	parts := strings.Split(string(b), "\x00")
	if err != nil || len(parts) != 3 {
		http.NotFound(w, r)
		return
	}
	db, err := c.store()
	if err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	data, err := db.Hosted(r.Context(), parts[0], parts[1], parts[2])
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct := http.DetectContentType(data)
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
	default:
		http.Error(w, "not an image", http.StatusUnsupportedMediaType)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

// caseLink is the UI's address of a case's page by its number (the
// frontend's recordHash; RecordDetails finds the case by number).
func caseLink(number string) string {
	return "#/records/" + crm.CaseSet + "/" + url.PathEscape(number)
}
