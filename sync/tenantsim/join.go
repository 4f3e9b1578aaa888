package tenantsim

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// Writes behind Dynamics 365's connected chats: joining a chat linked to a
// record (the Dataverse JoinLinkedChat action, which adds the caller on
// the server's side, since a user outside a chat cannot add themselves
// through Graph) and posting a message to a chat (Graph).

// joinBody is JoinLinkedChat's parameters.
type joinBody struct {
	UserID          string         `json:"UserId"`
	TeamsChatID     string         `json:"TeamsChatId"`
	RegardingEntity map[string]any `json:"RegardingEntity"`
}

// joinLinkedChat adds the caller to a chat linked to a record. The caller
// must be an internal user (a systemuser: the simulation gives every
// internal user write access to every record; guests are not system
// users), may only add themselves, and the chat must be linked to that
// record. Joining a chat one is in already succeeds (204).
func (s *Server) joinLinkedChat(w http.ResponseWriter, r *http.Request, g *grant) {
	var body joinBody
	if err := decodeBody(r, &body); err != nil {
		dvError(w, r, 400, "0x80048d19", "Error identified in Payload provided by the user: "+err.Error())
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	me := s.t.w.SystemUserID(g.userID)
	if s.t.dv.sets["systemusers"].rows[me] == nil {
		dvError(w, r, 403, "0x80040220", "Principal user is missing prvWrite privilege on the regarding record.")
		return
	}
	if !strings.EqualFold(body.UserID, me) {
		dvError(w, r, 403, "0x80040220", "A user can only join a linked chat themselves.")
		return
	}
	typ, _ := body.RegardingEntity["@odata.type"].(string)
	logical := strings.TrimPrefix(typ, "Microsoft.Dynamics.CRM.")
	var set *entitySet
	for _, e := range s.t.dv.sets {
		if e.logical == logical && logical != "chat" && logical != "systemuser" {
			set = e
		}
	}
	if set == nil {
		dvError(w, r, 400, "0x80048d19", fmt.Sprintf("RegardingEntity: unknown record type %q.", typ))
		return
	}
	recID, _ := body.RegardingEntity[set.key].(string)
	recID = strings.ToLower(recID)
	if set.rows[recID] == nil {
		dvError(w, r, 404, "0x80040217", fmt.Sprintf("%s With Id = %s Does Not Exist", logical, recID))
		return
	}
	linked := false
	for _, row := range s.t.dv.sets["chats"].rows {
		if row["teamschatid"] == body.TeamsChatID && row["_regardingobjectid_value"] == recID {
			linked = true
		}
	}
	c, ok := s.t.chats[body.TeamsChatID]
	if !ok || !linked {
		dvError(w, r, 404, "0x80040217", fmt.Sprintf("The chat %s is not connected to %s %s.", body.TeamsChatID, logical, recID))
		return
	}
	if !s.isMember(c.Members, g.userID) {
		c.Members = append(c.Members, Member{UserID: g.userID, Roles: []string{"owner"}, Since: s.t.now()})
	}
	w.WriteHeader(http.StatusNoContent)
}

// postChatMessage sends a message to a chat the caller is in (201 with
// the message).
func (s *Server) postChatMessage(w http.ResponseWriter, r *http.Request, g *grant) {
	body, ok := readPost(w, r)
	if !ok {
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	c := s.chatFor(w, r, g)
	if c == nil {
		return
	}
	m, err := s.t.post(c.ID, "", g.userID, body.content, body.importance, body.subject)
	if err != nil {
		graphError(w, r, 400, "BadRequest", err.Error())
		return
	}
	out := s.messageJSON(m, preferUnknownEnums(r), s.graphBase())
	out["@odata.context"] = s.graphBase() + "/$metadata#chats('" + url.PathEscape(c.ID) + "')/messages/$entity"
	writeJSON(w, 201, out)
}

// newPost is a chatMessage a client posts: its body as HTML (text
// escaped, line breaks kept), importance ("normal" if none) and subject.
type newPost struct{ content, importance, subject string }

// readPost reads a posted chatMessage, answering 400 when it has no body.
func readPost(w http.ResponseWriter, r *http.Request) (newPost, bool) {
	var body struct {
		Body struct {
			ContentType string `json:"contentType"`
			Content     string `json:"content"`
		} `json:"body"`
		Importance string `json:"importance"`
		Subject    string `json:"subject"`
	}
	raw, err := readBody(r)
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil || strings.TrimSpace(body.Body.Content) == "" {
		graphError(w, r, 400, "BadRequest", "A message needs a body with content.")
		return newPost{}, false
	}
	p := newPost{content: body.Body.Content, importance: body.Importance, subject: body.Subject}
	if !strings.EqualFold(body.Body.ContentType, "html") {
		p.content = strings.ReplaceAll(html.EscapeString(p.content), "\n", "<br>")
	}
	if p.importance == "" {
		p.importance = "normal"
	}
	return p, true
}
