package app

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
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
	for _, m := range ms {
		out.Messages = append(out.Messages, s.c.messageDTO(db, convID, m))
	}
	if len(ms) == limit {
		out.Before = ms[len(ms)-1].Created.Format(time.RFC3339Nano)
	}
	return out, nil
}

// messageDTO renders a stored message for the UI: its body sanitized, its
// inline images pointed at the /hosted/ route, then its cards (sanitized
// too); the attachment list names the rest (files, quotes).
func (c *Core) messageDTO(db *storage.DB, convID string, m storage.MessageWithBody) MessageDTO {
	d := MessageDTO{ID: m.ID, ReplyTo: m.ReplyTo, Type: m.Type, Created: m.Created, Edited: m.Edited, Deleted: m.Deleted,
		Subject: m.Subject, Importance: m.Importance, From: m.FromName, Event: m.Event}
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
			return "/hosted/" + hostedToken(convID, m.ID, id)
		}})
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

// hostedToken names an inline image in the /hosted/ route.
func hostedToken(convID, msgID, hostedID string) string {
	return base64.URLEncoding.EncodeToString([]byte(convID + "\x00" + msgID + "\x00" + hostedID))
}

// serveHosted serves a stored inline image: images only, never scripts or
// documents, whatever bytes the message carried.
func (c *Core) serveHosted(w http.ResponseWriter, r *http.Request) {
	b, err := base64.URLEncoding.DecodeString(strings.TrimPrefix(r.URL.Path, "/hosted/"))
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
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Write(data)
}
