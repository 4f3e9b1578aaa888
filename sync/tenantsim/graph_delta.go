package tenantsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// deltaWindow is how far back channel delta reaches ("Delta will only
// return messages within the last eight months").
const deltaWindow = 240 * 24 * time.Hour

// channelDelta implements GET …/messages/delta: a full round over the last
// eight months of root posts (whole threads with $expand=replies), closed by
// an @odata.deltaLink; later rounds return only threads changed since.
func (s *Server) channelDelta(w http.ResponseWriter, r *http.Request, g *grant) {
	var tok pageToken
	fresh := true
	for _, name := range []string{"skiptoken", "deltatoken"} {
		if v := query(r, name); v != "" {
			p, err := decodeToken(v)
			if err != nil {
				graphError(w, r, 400, "BadRequest", "The delta token is invalid.")
				return
			}
			tok, fresh = p, false
			if name == "deltatoken" {
				tok.Pos, tok.Full = 0, false
				tok.Next = 0
			}
		}
	}
	if fresh {
		top, ok := pageSize(w, r, 20, 50)
		if !ok {
			return
		}
		expand, ok := expandReplies(w, r)
		if !ok {
			return
		}
		tok = pageToken{Top: top, Expand: expand, Full: true}
		if f := query(r, "filter"); f != "" {
			v, ok := strings.CutPrefix(f, "lastModifiedDateTime gt ")
			if _, err := time.Parse(time.RFC3339Nano, v); !ok || err != nil {
				graphError(w, r, 400, "BadRequest", "Only 'lastModifiedDateTime gt {date}' is supported in $filter for delta.")
				return
			}
			tok.Filter = v
		}
	}
	unknown := preferUnknownEnums(r)
	s.t.mu.Lock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		s.t.mu.Unlock()
		return
	}
	if !fresh && query(r, "deltatoken") != "" && s.pageFault(FaultExpire) {
		s.t.deltaGen++
	}
	if !fresh && tok.Gen < s.t.deltaGen {
		s.t.mu.Unlock()
		graphError(w, r, 410, "syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.")
		return
	}
	tok.Gen = s.t.deltaGen
	if tok.Next == 0 {
		tok.Next = s.t.seq // the round closes at the state when it began
	}
	c := ch.conv
	now := s.t.now()
	var items []any
	done := false
	if fresh {
		windowStart := now.Add(-deltaWindow)
		tok.Pos = sort.Search(c.n, func(i int) bool { return !c.at(i).Before(windowStart) })
	}
	if s.pageFault(FaultEmptyPage) {
		s.t.mu.Unlock()
		q := url.Values{}
		q.Set("$skiptoken", tok.encode())
		writeJSON(w, 200, map[string]any{"@odata.context": s.graphBase() + "/$metadata#Collection(chatMessage)", "value": []any{}, "@odata.nextLink": s.deltaLink(r, q)})
		return
	}
	if tok.Full {
		var gt time.Time
		if tok.Filter != "" {
			gt, _ = time.Parse(time.RFC3339Nano, tok.Filter)
		}
		n := c.rootCount()
		for tok.Pos < n && len(items) < tok.Top {
			m := c.rootAt(tok.Pos)
			tok.Pos++
			if tok.Filter != "" && !threadModified(c, m).After(gt) {
				continue
			}
			items = append(items, s.deltaItem(c, m, tok.Expand, unknown))
		}
		done = tok.Pos >= n
	} else {
		changed := c.changedThrough(tok.Seq, tok.Next)
		for tok.Pos < len(changed) && len(items) < tok.Top {
			if m := c.get(changed[tok.Pos]); m != nil {
				items = append(items, s.deltaItem(c, m, tok.Expand, unknown))
			}
			tok.Pos++
		}
		done = tok.Pos >= len(changed)
	}
	s.t.mu.Unlock()
	out := map[string]any{"@odata.context": s.graphBase() + "/$metadata#Collection(chatMessage)", "value": orEmpty(items)}
	q := url.Values{}
	if done {
		q.Set("$deltatoken", pageToken{Seq: tok.Next, Expand: tok.Expand, Top: tok.Top, Gen: tok.Gen}.encode())
		out["@odata.deltaLink"] = s.deltaLink(r, q)
	} else {
		q.Set("$skiptoken", tok.encode())
		out["@odata.nextLink"] = s.deltaLink(r, q)
	}
	writeJSON(w, 200, out)
}

// deltaLink points at the delta function with only the token, as Graph's
// links do.
func (s *Server) deltaLink(r *http.Request, q url.Values) string {
	p := strings.TrimSuffix(r.URL.EscapedPath(), "()")
	return s.base() + p + "?" + q.Encode()
}

func (s *Server) deltaItem(c *conv, m *Message, expand, unknown bool) map[string]any {
	out := s.channelMessageJSON(c, m, expand, unknown)
	out["@odata.type"] = "#microsoft.graph.chatMessage"
	return out
}

// threadModified is the latest lastModifiedDateTime in a thread.
func threadModified(c *conv, root *Message) time.Time {
	t := root.LastModified
	for _, rp := range c.replies(root) {
		if rp.LastModified.After(t) {
			t = rp.LastModified
		}
	}
	return t
}

// changedThrough lists roots changed in (after, through], each once.
func (c *conv) changedThrough(after, through int64) []string {
	var out []string
	seen := map[string]bool{}
	for _, ch := range c.changes {
		if ch.seq > after && ch.seq <= through && !seen[ch.root] {
			seen[ch.root] = true
			out = append(out, ch.root)
		}
	}
	return out
}

// ExpireDeltaTokens makes every delta and skip token issued so far fail
// with 410 syncStateNotFound, forcing clients to resynchronise.
func (t *Tenant) ExpireDeltaTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deltaGen++
}

// ---- members ----

var bindRE = regexp.MustCompile(`users\('([^']+)'\)`)

type memberBody struct {
	Type  string   `json:"@odata.type"`
	Roles []string `json:"roles"`
	Bind  string   `json:"user@odata.bind"`
}

func (s *Server) listTeamMembers(w http.ResponseWriter, r *http.Request, g *grant) {
	var userFilter string
	if f := query(r, "filter"); f != "" {
		m := regexp.MustCompile(`userId eq '([^']+)'`).FindStringSubmatch(f)
		if m == nil {
			graphError(w, r, 400, "BadRequest", "Filter is not supported: "+f)
			return
		}
		userFilter = m[1]
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil {
		return
	}
	var items []any
	for _, mb := range t.Members {
		if userFilter == "" || mb.UserID == userFilter {
			items = append(items, s.memberJSON(t.ID, mb))
		}
	}
	writeJSON(w, 200, map[string]any{"@odata.context": s.graphBase() + "/$metadata#teams('" + t.ID + "')/members", "@odata.count": len(items), "value": orEmpty(items)})
}

// memberIndex finds a membership by its opaque id within container.
func memberIndex(members []Member, container, id string) int {
	c, u, ok := parseMemberID(id)
	if !ok || c != container {
		return -1
	}
	return slices.IndexFunc(members, func(m Member) bool { return m.UserID == u })
}

func (s *Server) getTeamMember(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil {
		return
	}
	i := memberIndex(t.Members, t.ID, r.PathValue("member"))
	if i < 0 {
		graphError(w, r, 404, "NotFound", "Member not found.")
		return
	}
	writeJSON(w, 200, s.memberJSON(t.ID, t.Members[i]))
}

// addMember applies Graph's rules for POST …/members: the user must exist;
// guests always get ["guest"]; roles are [] or ["owner"].
func (s *Server) addMember(w http.ResponseWriter, r *http.Request, members *[]Member, container string, body memberBody) (Member, bool) {
	m := bindRE.FindStringSubmatch(body.Bind)
	if body.Type != "#microsoft.graph.aadUserConversationMember" || m == nil {
		graphError(w, r, 400, "BadRequest", "The request body must be an aadUserConversationMember with user@odata.bind.")
		return Member{}, false
	}
	u := s.findUser(m[1])
	if u == nil {
		graphError(w, r, 404, "NotFound", fmt.Sprintf("User '%s' not found.", m[1]))
		return Member{}, false
	}
	if s.isMember(*members, u.ID) {
		graphError(w, r, 409, "Conflict", "The user is already a member.")
		return Member{}, false
	}
	roles, ok := s.checkRoles(w, r, u, body.Roles)
	if !ok {
		return Member{}, false
	}
	mb := Member{UserID: u.ID, Roles: roles, Since: s.t.now()}
	*members = append(*members, mb)
	return mb, true
}

func (s *Server) checkRoles(w http.ResponseWriter, r *http.Request, u *User, roles []string) ([]string, bool) {
	for _, ro := range roles {
		if ro != "owner" && ro != "guest" {
			graphError(w, r, 400, "BadRequest", fmt.Sprintf("Role '%s' is not supported. Use 'owner' or no role.", ro))
			return nil, false
		}
	}
	if u.IsGuest() {
		if slices.Contains(roles, "owner") {
			graphError(w, r, 400, "BadRequest", "Team members with the role of guest cannot be given the role of owner.")
			return nil, false
		}
		return []string{"guest"}, true
	}
	if slices.Contains(roles, "owner") {
		return []string{"owner"}, true
	}
	return []string{}, true
}

func (s *Server) addTeamMember(w http.ResponseWriter, r *http.Request, g *grant) {
	var body memberBody
	if err := decodeBody(r, &body); err != nil {
		graphError(w, r, 400, "BadRequest", "Invalid request body: "+err.Error())
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil || !s.requireOwner(w, r, t.Members, g) {
		return
	}
	mb, ok := s.addMember(w, r, &t.Members, t.ID, body)
	if !ok {
		return
	}
	out := s.memberJSON(t.ID, mb)
	out["@odata.context"] = s.graphBase() + "/$metadata#teams('" + t.ID + "')/members/$entity"
	writeJSON(w, 201, out)
}

func (s *Server) requireOwner(w http.ResponseWriter, r *http.Request, members []Member, g *grant) bool {
	if !s.isOwner(members, g.userID) {
		graphError(w, r, 403, "AccessDenied", "Only owners can change the members.")
		return false
	}
	return true
}

func (s *Server) patchMember(w http.ResponseWriter, r *http.Request, members []Member, container string) (Member, bool) {
	var body memberBody
	if err := decodeBody(r, &body); err != nil {
		graphError(w, r, 400, "BadRequest", "Invalid request body: "+err.Error())
		return Member{}, false
	}
	i := memberIndex(members, container, r.PathValue("member"))
	if i < 0 {
		graphError(w, r, 404, "NotFound", "Member not found.")
		return Member{}, false
	}
	roles, ok := s.checkRoles(w, r, s.t.user(members[i].UserID), body.Roles)
	if !ok {
		return Member{}, false
	}
	if hasRole(members[i].Roles, "owner") && !hasRole(roles, "owner") && s.owners(members) == 1 {
		graphError(w, r, 400, "BadRequest", "The last owner of a team cannot be demoted.")
		return Member{}, false
	}
	members[i].Roles = roles
	return members[i], true
}

func (s *Server) owners(members []Member) int {
	n := 0
	for _, m := range members {
		if hasRole(m.Roles, "owner") {
			n++
		}
	}
	return n
}

func (s *Server) patchTeamMember(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil || !s.requireOwner(w, r, t.Members, g) {
		return
	}
	if mb, ok := s.patchMember(w, r, t.Members, t.ID); ok {
		writeJSON(w, 200, s.memberJSON(t.ID, mb))
	}
}

func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request, members *[]Member, container string) bool {
	i := memberIndex(*members, container, r.PathValue("member"))
	if i < 0 {
		graphError(w, r, 404, "NotFound", "Member not found.")
		return false
	}
	if hasRole((*members)[i].Roles, "owner") && s.owners(*members) == 1 {
		graphError(w, r, 400, "BadRequest", "The last owner cannot be removed.")
		return false
	}
	*members = slices.Delete(*members, i, i+1)
	return true
}

func (s *Server) deleteTeamMember(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil || !s.requireOwner(w, r, t.Members, g) {
		return
	}
	if s.deleteMember(w, r, &t.Members, t.ID) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// Channel members: private channels hold their own list; a standard
// channel's members are the team's.
func (s *Server) listChannelMembers(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		return
	}
	members := ch.Members
	if ch.MembershipType == "standard" {
		members = s.t.teams[ch.TeamID].Members
	}
	var items []any
	for _, mb := range members {
		items = append(items, s.memberJSON(ch.ID, mb))
	}
	writeJSON(w, 200, map[string]any{"@odata.context": s.graphBase() + "/$metadata#teams('" + ch.TeamID + "')/channels('" + url.PathEscape(ch.ID) + "')/members", "@odata.count": len(items), "value": orEmpty(items)})
}

func (s *Server) privateChannel(w http.ResponseWriter, r *http.Request, g *grant) *Channel {
	ch := s.channelFor(w, r, g)
	if ch == nil {
		return nil
	}
	if ch.MembershipType == "standard" {
		graphError(w, r, 400, "BadRequest", "Membership operations are supported only on private and shared channels.")
		return nil
	}
	if !s.requireOwner(w, r, ch.Members, g) {
		return nil
	}
	return ch
}

func (s *Server) addChannelMember(w http.ResponseWriter, r *http.Request, g *grant) {
	var body memberBody
	if err := decodeBody(r, &body); err != nil {
		graphError(w, r, 400, "BadRequest", "Invalid request body: "+err.Error())
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.privateChannel(w, r, g)
	if ch == nil {
		return
	}
	if m := bindRE.FindStringSubmatch(body.Bind); m != nil {
		if u := s.findUser(m[1]); u != nil && !s.isMember(s.t.teams[ch.TeamID].Members, u.ID) {
			graphError(w, r, 400, "BadRequest", "The user must be a member of the team before joining a private channel.")
			return
		}
	}
	if mb, ok := s.addMember(w, r, &ch.Members, ch.ID, body); ok {
		writeJSON(w, 201, s.memberJSON(ch.ID, mb))
	}
}

func (s *Server) patchChannelMember(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.privateChannel(w, r, g)
	if ch == nil {
		return
	}
	if mb, ok := s.patchMember(w, r, ch.Members, ch.ID); ok {
		writeJSON(w, 200, s.memberJSON(ch.ID, mb))
	}
}

func (s *Server) deleteChannelMember(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.privateChannel(w, r, g)
	if ch == nil {
		return
	}
	if s.deleteMember(w, r, &ch.Members, ch.ID) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// ---- invitations ----

func (s *Server) invite(w http.ResponseWriter, r *http.Request, g *grant) {
	var body struct {
		Email       string `json:"invitedUserEmailAddress"`
		Redirect    string `json:"inviteRedirectUrl"`
		DisplayName string `json:"invitedUserDisplayName"`
		SendMessage bool   `json:"sendInvitationMessage"`
		UserType    string `json:"invitedUserType"`
	}
	if err := decodeBody(r, &body); err != nil {
		graphError(w, r, 400, "BadRequest", "Invalid request body: "+err.Error())
		return
	}
	if !strings.Contains(body.Email, "@") || body.Redirect == "" {
		graphError(w, r, 400, "BadRequest", "invitedUserEmailAddress and inviteRedirectUrl are required.")
		return
	}
	if strings.HasSuffix(strings.ToLower(body.Email), "@"+s.t.w.Domain) {
		graphError(w, r, 400, "BadRequest", "The invited user already exists in this directory as a member.")
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	var u *User
	for _, x := range s.t.users {
		if strings.EqualFold(x.Mail, body.Email) {
			u = x
		}
	}
	status := "PendingAcceptance"
	if u == nil {
		name := body.DisplayName
		if name == "" {
			name = strings.SplitN(body.Email, "@", 2)[0]
		}
		u = &User{
			ID: guid(s.t.w.Seed, "invited", strings.ToLower(body.Email)), DisplayName: name, Mail: body.Email,
			UPN:      strings.ReplaceAll(body.Email, "@", "_") + "#EXT#@" + s.t.w.Domain,
			UserType: "Guest", ExternalUserState: "PendingAcceptance", CreationType: "Invitation",
			Created: s.t.now(), Customer: -1,
		}
		s.t.users[u.ID] = u
	} else if u.ExternalUserState == "Accepted" {
		status = "Completed"
	}
	inv := &Invitation{ID: guid(time.Now().UnixNano(), "invitation"), Email: body.Email, DisplayName: u.DisplayName,
		RedirectURL: body.Redirect, SendMessage: body.SendMessage, UserID: u.ID, Status: status, Created: s.t.now()}
	s.t.invitations = append(s.t.invitations, inv)
	writeJSON(w, 201, map[string]any{
		"@odata.context": s.graphBase() + "/$metadata#invitations/$entity",
		"id":             inv.ID, "inviteRedeemUrl": s.base() + "/redeem?rd=" + url.QueryEscape("tenant="+s.t.w.TenantID+"&user="+u.ID+"&ticket="+inv.ID),
		"invitedUserDisplayName": u.DisplayName, "invitedUserType": "Guest", "invitedUserEmailAddress": body.Email,
		"sendInvitationMessage": body.SendMessage, "resetRedemption": false, "inviteRedirectUrl": body.Redirect,
		"status": status, "invitedUserMessageInfo": map[string]any{"messageLanguage": nil, "customizedMessageBody": nil, "ccRecipients": []any{}},
		"invitedUser": map[string]any{"id": u.ID},
	})
}

// AcceptInvitation marks the guest with e-mail address email as having
// redeemed their invitation.
func (t *Tenant) AcceptInvitation(email string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, u := range t.users {
		if strings.EqualFold(u.Mail, email) && u.IsGuest() {
			u.ExternalUserState = "Accepted"
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrNoUser, email)
}

// ---- $batch ----

// batch runs up to 20 requests through the same handlers and answers with
// Graph's JSON batch format.
func (s *Server) batch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Requests []struct {
			ID      string            `json:"id"`
			Method  string            `json:"method"`
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
			Body    json.RawMessage   `json:"body"`
		} `json:"requests"`
	}
	if err := decodeBody(r, &body); err != nil {
		graphError(w, r, 400, "BadRequest", "Invalid batch payload: "+err.Error())
		return
	}
	if len(body.Requests) == 0 || len(body.Requests) > 20 {
		graphError(w, r, 400, "BadRequest", "Number of batch request steps exceeds the maximum value of 20.")
		return
	}
	var responses []any
	for _, rq := range body.Requests {
		target := rq.URL
		if u, err := url.Parse(rq.URL); err == nil && u.IsAbs() {
			target = strings.TrimPrefix(u.RequestURI(), graphPrefix)
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		var rd *bytes.Reader
		if len(rq.Body) > 0 {
			rd = bytes.NewReader(rq.Body)
		} else {
			rd = bytes.NewReader(nil)
		}
		sub := httptest.NewRequest(strings.ToUpper(rq.Method), graphPrefix+target, rd)
		sub.Host = r.Host
		sub.Header.Set("Authorization", r.Header.Get("Authorization"))
		for k, v := range rq.Headers {
			sub.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, sub)
		resp := map[string]any{"id": rq.ID, "status": rec.Code}
		hdr := map[string]string{}
		for k := range rec.Header() {
			hdr[k] = rec.Header().Get(k)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "" {
			hdr["Content-Type"] = ct
		}
		resp["headers"] = hdr
		if rec.Body.Len() > 0 {
			var v any
			if json.Unmarshal(rec.Body.Bytes(), &v) == nil {
				resp["body"] = v
			}
		}
		responses = append(responses, resp)
	}
	writeJSON(w, 200, map[string]any{"responses": responses})
}
