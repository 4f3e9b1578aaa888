package tenantsim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

const graphPrefix = "/graph/v1.0"

// Permission sets, any one of which lets a route through.
var (
	permMe           = []string{"User.Read", "User.ReadBasic.All", "User.Read.All"}
	permUsers        = []string{"User.ReadBasic.All", "User.Read.All"}
	permChats        = []string{"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"}
	permChatMessages = []string{"Chat.Read", "Chat.ReadWrite"}
	permChatSend     = []string{"ChatMessage.Send", "Chat.ReadWrite"}
	permChatMembers  = []string{"ChatMember.Read", "ChatMember.ReadWrite", "Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite"}
	permTeams        = []string{"Team.ReadBasic.All", "TeamSettings.Read.All", "TeamSettings.ReadWrite.All"}
	permTeamWrite    = []string{"TeamSettings.ReadWrite.All"}
	permChannels     = []string{"Channel.ReadBasic.All", "ChannelMessage.Read.All"}
	permChannelMsgs  = []string{"ChannelMessage.Read.All"}
	permTeamMembers  = []string{"TeamMember.Read.All", "TeamMember.ReadWrite.All", "TeamMember.ReadWriteNonOwnerRole.All"}
	permTeamMemberW  = []string{"TeamMember.ReadWrite.All", "TeamMember.ReadWriteNonOwnerRole.All"}
	permChanMembers  = []string{"ChannelMember.Read.All", "ChannelMember.ReadWrite.All"}
	permChanMembersW = []string{"ChannelMember.ReadWrite.All"}
	permInvite       = []string{"User.Invite.All"}
)

type graphHandler func(w http.ResponseWriter, r *http.Request, g *grant)

// graph wraps a handler with token and scope checks.
func (s *Server) graph(perms []string, h graphHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g, ok := s.authenticate(w, r, s.graphResource(), graphError)
		if !ok {
			return
		}
		if !slices.ContainsFunc(perms, func(p string) bool { return slices.Contains(g.scopes, p) }) {
			graphError(w, r, 403, "Forbidden", fmt.Sprintf("Missing scope permissions on the request. API requires one of '%s'. Scopes on the request '%s'",
				strings.Join(perms, ", "), strings.Join(g.scopes, ", ")))
			return
		}
		if !s.throttle(w, r, g) {
			return
		}
		h(w, r, g)
	}
}

func (s *Server) graphRoutes(mux *http.ServeMux) {
	p := graphPrefix
	mux.HandleFunc("GET "+p+"/me", s.graph(permMe, s.getMe))
	mux.HandleFunc("GET "+p+"/users", s.graph(permUsers, s.listUsers))
	mux.HandleFunc("GET "+p+"/users/{user}", s.graph(permUsers, s.getUser))
	mux.HandleFunc("GET "+p+"/me/chats", s.graph(permChats, s.listChats))
	mux.HandleFunc("GET "+p+"/users/{user}/chats", s.graph(permChats, s.listChats))
	mux.HandleFunc("GET "+p+"/chats", s.graph(permChats, s.listChats))
	mux.HandleFunc("GET "+p+"/chats/{chat}", s.graph(permChats, s.getChat))
	mux.HandleFunc("GET "+p+"/chats/{chat}/members", s.graph(permChatMembers, s.listChatMembers))
	mux.HandleFunc("GET "+p+"/chats/{chat}/messages", s.graph(permChatMessages, s.listChatMessages))
	mux.HandleFunc("POST "+p+"/chats/{chat}/messages", s.graph(permChatSend, s.postChatMessage))
	mux.HandleFunc("GET "+p+"/chats/{chat}/messages/{msg}", s.graph(permChatMessages, s.getChatMessage))
	mux.HandleFunc("GET "+p+"/chats/{chat}/messages/{msg}/hostedContents/{hc}/$value", s.graph(permChatMessages, s.hostedContent))
	mux.HandleFunc("GET "+p+"/me/joinedTeams", s.graph(permTeams, s.joinedTeams))
	mux.HandleFunc("GET "+p+"/teams/{team}", s.graph(permTeams, s.getTeam))
	mux.HandleFunc("PATCH "+p+"/teams/{team}", s.graph(permTeamWrite, s.patchTeam))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels", s.graph(permChannels, s.listChannels))
	mux.HandleFunc("GET "+p+"/teams/{team}/primaryChannel", s.graph(permChannels, s.getChannel))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}", s.graph(permChannels, s.getChannel))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages", s.graph(permChannelMsgs, s.listChannelMessages))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/delta", s.graph(permChannelMsgs, s.channelDelta))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/delta()", s.graph(permChannelMsgs, s.channelDelta))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/{msg}", s.graph(permChannelMsgs, s.getChannelMessage))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/{msg}/replies", s.graph(permChannelMsgs, s.listReplies))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/{msg}/replies/{reply}", s.graph(permChannelMsgs, s.getChannelMessage))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/{msg}/hostedContents/{hc}/$value", s.graph(permChannelMsgs, s.hostedContent))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/messages/{msg}/replies/{reply}/hostedContents/{hc}/$value", s.graph(permChannelMsgs, s.hostedContent))
	mux.HandleFunc("GET "+p+"/teams/{team}/members", s.graph(permTeamMembers, s.listTeamMembers))
	mux.HandleFunc("GET "+p+"/teams/{team}/members/{member}", s.graph(permTeamMembers, s.getTeamMember))
	mux.HandleFunc("POST "+p+"/teams/{team}/members", s.graph(permTeamMemberW, s.addTeamMember))
	mux.HandleFunc("PATCH "+p+"/teams/{team}/members/{member}", s.graph(permTeamMemberW, s.patchTeamMember))
	mux.HandleFunc("DELETE "+p+"/teams/{team}/members/{member}", s.graph(permTeamMemberW, s.deleteTeamMember))
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/members", s.graph(permChanMembers, s.listChannelMembers))
	mux.HandleFunc("POST "+p+"/teams/{team}/channels/{channel}/members", s.graph(permChanMembersW, s.addChannelMember))
	mux.HandleFunc("PATCH "+p+"/teams/{team}/channels/{channel}/members/{member}", s.graph(permChanMembersW, s.patchChannelMember))
	mux.HandleFunc("DELETE "+p+"/teams/{team}/channels/{channel}/members/{member}", s.graph(permChanMembersW, s.deleteChannelMember))
	mux.HandleFunc("POST "+p+"/invitations", s.graph(permInvite, s.invite))
	mux.HandleFunc("POST "+p+"/$batch", s.batch)
	mux.HandleFunc(p+"/", func(w http.ResponseWriter, r *http.Request) {
		graphError(w, r, 400, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", lastSegment(r.URL.Path)))
	})
}

func lastSegment(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func (s *Server) graphBase() string { return s.graphURL() + "/v1.0" }

func collection(ctx string, items []any, next string) map[string]any {
	if items == nil {
		items = []any{}
	}
	out := map[string]any{"@odata.context": ctx, "value": items}
	if next != "" {
		out["@odata.nextLink"] = next
	}
	return out
}

// pageSize reads $top with Graph's bounds; ok is false after a 400.
func pageSize(w http.ResponseWriter, r *http.Request, def, max int) (int, bool) {
	v := query(r, "top")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		graphError(w, r, 400, "BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", v, max))
		return 0, false
	}
	return n, true
}

// token reads $skiptoken (ok false after a 400 was written).
func skipToken(w http.ResponseWriter, r *http.Request) (pageToken, bool) {
	v := query(r, "skiptoken")
	if v == "" {
		return pageToken{}, true
	}
	p, err := decodeToken(v)
	if err != nil {
		graphError(w, r, 400, "BadRequest", "The skip token is invalid.")
		return p, false
	}
	return p, true
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	u := s.t.user(g.userID)
	out := s.userJSON(u, query(r, "select"), slices.Contains(g.scopes, "AuditLog.Read.All"))
	s.t.mu.Unlock()
	out["@odata.context"] = s.graphBase() + "/$metadata#users/$entity"
	writeJSON(w, 200, out)
}

func (s *Server) findUser(key string) *User {
	if u, ok := s.t.users[key]; ok {
		return u
	}
	for _, u := range s.t.users {
		if strings.EqualFold(u.UPN, key) {
			return u
		}
	}
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	u := s.findUser(r.PathValue("user"))
	if u == nil {
		graphError(w, r, 404, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", r.PathValue("user")))
		return
	}
	sel := query(r, "select")
	if strings.Contains(sel, "signInActivity") && !slices.Contains(g.scopes, "AuditLog.Read.All") {
		graphError(w, r, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license")
		return
	}
	writeJSON(w, 200, s.userJSON(u, sel, true))
}

// listUsers supports $filter=userType eq 'Guest' (or 'Member'), $select
// (signInActivity needs AuditLog.Read.All), $top ≤ 999 and paging.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, g *grant) {
	top, ok := pageSize(w, r, 100, 999)
	if !ok {
		return
	}
	sel := query(r, "select")
	if strings.Contains(sel, "signInActivity") {
		if !slices.Contains(g.scopes, "AuditLog.Read.All") {
			graphError(w, r, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license")
			return
		}
		top = min(top, 120)
	}
	var want string
	if f := query(r, "filter"); f != "" {
		v, ok := strings.CutPrefix(f, "userType eq '")
		if !ok || !strings.HasSuffix(v, "'") {
			graphError(w, r, 400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'userType' of resource 'User'.")
			return
		}
		want = strings.TrimSuffix(v, "'")
	}
	tok, ok := skipToken(w, r)
	if !ok {
		return
	}
	s.t.mu.Lock()
	var all []*User
	for _, u := range s.t.users {
		if want == "" || strings.EqualFold(u.UserType, want) {
			all = append(all, u)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	var items []any
	end := min(len(all), tok.Pos+top)
	for _, u := range all[min(tok.Pos, len(all)):end] {
		items = append(items, s.userJSON(u, sel, true))
	}
	s.t.mu.Unlock()
	next := ""
	if end < len(all) {
		next = s.nextLink(r, end)
	}
	writeJSON(w, 200, collection(s.graphBase()+"/$metadata#users", items, next))
}

// ---- chats ----

func (s *Server) isMember(members []Member, userID string) bool {
	return slices.ContainsFunc(members, func(m Member) bool { return m.UserID == userID })
}

func (s *Server) chatJSON(c *Chat, expand string, withTenantURL bool) map[string]any {
	last, lastMsg := c.conv.lastActivity()
	out := map[string]any{
		"id": c.ID, "topic": nil, "createdDateTime": graphTime(c.Created), "lastUpdatedDateTime": graphTime(last),
		"chatType": c.ChatType, "tenantId": s.t.w.TenantID, "onlineMeetingInfo": nil, "isHiddenForAllMembers": false,
		"webUrl":    "https://teams.microsoft.com/l/chat/" + url.PathEscape(c.ID) + "/0?tenantId=" + s.t.w.TenantID,
		"viewpoint": map[string]any{"isHidden": false, "lastMessageReadDateTime": graphTime(last)},
	}
	if c.Topic != "" {
		out["topic"] = c.Topic
	}
	for _, e := range strings.Split(expand, ",") {
		switch strings.TrimSpace(e) {
		case "members":
			var ms []any
			for i, mb := range c.Members {
				if i == 25 { // Graph's documented cap on expanded chat members
					break
				}
				ms = append(ms, s.memberJSON(c.ID, mb))
			}
			out["members"] = ms
		case "lastMessagePreview":
			if lastMsg == nil {
				out["lastMessagePreview"] = nil
				break
			}
			var from any
			switch {
			case lastMsg.App != nil:
				from = map[string]any{"application": appIdentity(lastMsg.App), "device": nil, "user": nil}
			case lastMsg.AuthorID != "":
				from = identitySet(s.userIdentity(lastMsg.AuthorID, true))
			}
			content := lastMsg.Text
			if lastMsg.Type == "systemEventMessage" {
				content = "<systemEventMessage/>"
			}
			out["lastMessagePreview@odata.context"] = s.graphBase() + "/$metadata#chats('" + url.PathEscape(c.ID) + "')/lastMessagePreview/$entity"
			out["lastMessagePreview"] = map[string]any{
				"id": lastMsg.ID, "createdDateTime": graphTime(lastMsg.Created), "isDeleted": lastMsg.Deleted != nil,
				"messageType": lastMsg.Type, "eventDetail": nil, "from": from,
				"body": map[string]any{"contentType": "text", "content": content},
			}
		}
	}
	return out
}

func (s *Server) listChats(w http.ResponseWriter, r *http.Request, g *grant) {
	top, ok := pageSize(w, r, 20, 50)
	if !ok {
		return
	}
	if ob := query(r, "orderby"); ob != "" && ob != "lastMessagePreview/createdDateTime desc" {
		graphError(w, r, 400, "BadRequest", "Query option '$orderby' with value '"+ob+"' is not supported. Only 'lastMessagePreview/createdDateTime desc' is supported.")
		return
	}
	expand := query(r, "expand")
	for _, e := range strings.Split(expand, ",") {
		if e = strings.TrimSpace(e); e != "" && e != "members" && e != "lastMessagePreview" {
			graphError(w, r, 400, "BadRequest", "Expand of '"+e+"' is not supported.")
			return
		}
	}
	tok, ok := skipToken(w, r)
	if !ok {
		return
	}
	userID := g.userID
	if u := r.PathValue("user"); u != "" {
		s.t.mu.Lock()
		found := s.findUser(u)
		s.t.mu.Unlock()
		if found == nil || found.ID != g.userID {
			graphError(w, r, 403, "Forbidden", "Delegated callers can list only their own chats.")
			return
		}
	}
	s.t.mu.Lock()
	type row struct {
		c    *Chat
		last time.Time
	}
	var rows []row
	for _, c := range append(slices.Clip(s.t.w.Chats), s.t.w.Handovers...) {
		if s.isMember(c.Members, userID) {
			last, _ := c.conv.lastActivity()
			rows = append(rows, row{c, last})
		}
	}
	// Most recently active first, as Teams lists them.
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].last.Equal(rows[j].last) {
			return rows[i].last.After(rows[j].last)
		}
		return rows[i].c.ID < rows[j].c.ID
	})
	end := min(len(rows), tok.Pos+top)
	var items []any
	for _, rw := range rows[min(tok.Pos, len(rows)):end] {
		items = append(items, s.chatJSON(rw.c, expand, true))
	}
	s.t.mu.Unlock()
	next := ""
	if end < len(rows) {
		next = s.nextLink(r, end)
	}
	ctx := s.graphBase() + "/$metadata#chats"
	if expand != "" {
		ctx = s.graphBase() + "/$metadata#chats(" + expand + "())"
	}
	writeJSON(w, 200, collection(ctx, items, next))
}

// chatFor finds a chat the caller belongs to; it writes 404/403 itself.
// The caller holds t.mu.
func (s *Server) chatFor(w http.ResponseWriter, r *http.Request, g *grant) *Chat {
	c, ok := s.t.chats[r.PathValue("chat")]
	if !ok {
		graphError(w, r, 404, "NotFound", "Chat not found: "+r.PathValue("chat"))
		return nil
	}
	if !s.isMember(c.Members, g.userID) {
		graphError(w, r, 403, "Forbidden", "Forbidden. The user is not a member of the chat.")
		return nil
	}
	return c
}

func (s *Server) getChat(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	if c := s.chatFor(w, r, g); c != nil {
		out := s.chatJSON(c, query(r, "expand"), true)
		out["@odata.context"] = s.graphBase() + "/$metadata#chats/$entity"
		writeJSON(w, 200, out)
	}
}

func (s *Server) listChatMembers(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	c := s.chatFor(w, r, g)
	if c == nil {
		return
	}
	var items []any
	for _, mb := range c.Members {
		items = append(items, s.memberJSON(c.ID, mb))
	}
	writeJSON(w, 200, map[string]any{"@odata.context": s.graphBase() + "/$metadata#chats('" + url.PathEscape(c.ID) + "')/members", "@odata.count": len(items), "value": items})
}

// chatFilter is the part of $filter Graph honours for chat messages.
type chatFilter struct {
	gt, lt *time.Time
}

func parseChatFilter(f, orderProp string) (chatFilter, error) {
	var cf chatFilter
	if f == "" {
		return cf, nil
	}
	for _, clause := range strings.Split(f, " and ") {
		parts := strings.Fields(clause)
		if len(parts) != 3 {
			return cf, fmt.Errorf("invalid filter clause %q", clause)
		}
		if parts[0] != orderProp {
			continue // Graph ignores filters on other properties
		}
		t, err := time.Parse(time.RFC3339Nano, parts[2])
		if err != nil {
			return cf, fmt.Errorf("invalid date %q", parts[2])
		}
		switch {
		case parts[1] == "gt" && orderProp == "lastModifiedDateTime":
			cf.gt = &t
		case parts[1] == "lt":
			cf.lt = &t
		default:
			return cf, fmt.Errorf("operator %q is not supported on %s", parts[1], orderProp)
		}
	}
	return cf, nil
}

// listChatMessages follows Graph's rules: newest first by
// lastModifiedDateTime (default) or createdDateTime, descending only;
// $filter honoured only on the ordering property; $top ≤ 50.
func (s *Server) listChatMessages(w http.ResponseWriter, r *http.Request, g *grant) {
	top, ok := pageSize(w, r, 20, 50)
	if !ok {
		return
	}
	orderProp := "lastModifiedDateTime"
	if ob := query(r, "orderby"); ob != "" {
		f := strings.Fields(ob)
		if len(f) != 2 || f[1] != "desc" || (f[0] != "lastModifiedDateTime" && f[0] != "createdDateTime") {
			graphError(w, r, 400, "BadRequest", "The $orderby query option supports only lastModifiedDateTime desc and createdDateTime desc.")
			return
		}
		orderProp = f[0]
	}
	cf, err := parseChatFilter(query(r, "filter"), orderProp)
	if err != nil {
		graphError(w, r, 400, "BadRequest", err.Error())
		return
	}
	tok, ok := skipToken(w, r)
	if !ok {
		return
	}
	unknown := preferUnknownEnums(r)
	s.t.mu.Lock()
	c := s.chatFor(w, r, g)
	if c == nil {
		s.t.mu.Unlock()
		return
	}
	byCreated := orderProp == "createdDateTime"
	var items []any
	nextPos := -1
	if s.pageFault(FaultEmptyPage) {
		// An empty page that still links onward, as Graph sometimes sends.
		top, nextPos = 0, tok.Pos
	}
	c.conv.newestFirst(byCreated, tok.Pos, func(pos int, m *Message) bool {
		k := m.LastModified
		if byCreated {
			k = m.Created
		}
		if cf.gt != nil && !k.After(*cf.gt) {
			return false // descending: nothing later matches
		}
		if cf.lt != nil && !k.Before(*cf.lt) {
			return true
		}
		if len(items) == top {
			nextPos = pos
			return false
		}
		items = append(items, s.messageJSON(m, unknown, s.graphBase()))
		return true
	})
	s.t.mu.Unlock()
	if nextPos > 0 && len(items) > 2 && s.pageFault(FaultDuplicates) {
		// The next page starts two items early and this one is shuffled:
		// duplicates and out-of-order items across pages.
		nextPos -= 2
		items[0], items[len(items)-1] = items[len(items)-1], items[0]
	}
	next := ""
	if nextPos >= 0 {
		next = s.nextLink(r, nextPos)
	}
	writeJSON(w, 200, collection(s.graphBase()+"/$metadata#chats('"+url.PathEscape(c.ID)+"')/messages", items, next))
}

func preferUnknownEnums(r *http.Request) bool {
	for _, v := range r.Header.Values("Prefer") {
		if strings.Contains(v, "include-unknown-enum-members") {
			return true
		}
	}
	return false
}

func (s *Server) getChatMessage(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	c := s.chatFor(w, r, g)
	if c == nil {
		return
	}
	m := c.conv.get(r.PathValue("msg"))
	if m == nil {
		graphError(w, r, 404, "NotFound", "Message not found: "+r.PathValue("msg"))
		return
	}
	out := s.messageJSON(m, preferUnknownEnums(r), s.graphBase())
	out["@odata.context"] = s.graphBase() + "/$metadata#chats('" + url.PathEscape(c.ID) + "')/messages/$entity"
	writeJSON(w, 200, out)
}

// hostedContent serves an inline image: a small deterministic PNG.
func (s *Server) hostedContent(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	var c *conv
	if id := r.PathValue("chat"); id != "" {
		if ch := s.chatFor(w, r, g); ch != nil {
			c = ch.conv
		}
	} else if ch := s.channelFor(w, r, g); ch != nil {
		c = ch.conv
	}
	if c == nil {
		s.t.mu.Unlock()
		return
	}
	msgID := r.PathValue("msg")
	if rid := r.PathValue("reply"); rid != "" {
		msgID = rid
	}
	m := c.get(msgID)
	s.t.mu.Unlock()
	if m == nil || !slices.Contains(m.Hosted, r.PathValue("hc")) {
		graphError(w, r, 404, "NotFound", "Hosted content not found.")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(placeholderPNG(r.PathValue("hc")))
}

// ---- teams and channels ----

func (s *Server) teamFor(w http.ResponseWriter, r *http.Request, g *grant) *Team {
	t, ok := s.t.teams[r.PathValue("team")]
	if !ok {
		graphError(w, r, 404, "NotFound", "No team found with Group Id "+r.PathValue("team"))
		return nil
	}
	if !s.isMember(t.Members, g.userID) {
		graphError(w, r, 403, "Forbidden", "Forbidden. The caller is not a member of the team.")
		return nil
	}
	return t
}

func (s *Server) channelFor(w http.ResponseWriter, r *http.Request, g *grant) *Channel {
	t := s.teamFor(w, r, g)
	if t == nil {
		return nil
	}
	id := r.PathValue("channel")
	if id == "" { // primaryChannel
		return t.Channels[0]
	}
	for _, ch := range t.Channels {
		if ch.ID == id {
			if ch.MembershipType == "private" && !s.isMember(ch.Members, g.userID) {
				graphError(w, r, 403, "Forbidden", "Forbidden. The caller is not a member of the private channel.")
				return nil
			}
			return ch
		}
	}
	graphError(w, r, 404, "NotFound", "Channel not found: "+id)
	return nil
}

func (s *Server) teamJSON(t *Team) map[string]any {
	owners, members, guests := 0, 0, 0
	for _, m := range t.Members {
		switch {
		case hasRole(m.Roles, "owner"):
			owners++
		case hasRole(m.Roles, "guest"):
			guests++
		default:
			members++
		}
	}
	st := t.Settings
	return map[string]any{
		"id": t.ID, "createdDateTime": graphTime(t.Created), "displayName": t.DisplayName, "description": t.Description,
		"internalId": t.InternalID, "classification": nil, "specialization": "none", "visibility": t.Visibility,
		"webUrl":     "https://teams.microsoft.com/l/team/" + url.PathEscape(t.InternalID) + "/conversations?groupId=" + t.ID + "&tenantId=" + s.t.w.TenantID,
		"isArchived": t.Archived, "tenantId": s.t.w.TenantID, "isMembershipLimitedToOwners": false,
		"summary": map[string]any{"ownersCount": owners, "membersCount": members, "guestsCount": guests},
		"memberSettings": map[string]any{
			"allowCreateUpdateChannels": st.MemberAllowCreateUpdateChannels, "allowCreatePrivateChannels": st.MemberAllowCreatePrivateChannels,
			"allowDeleteChannels": st.MemberAllowDeleteChannels, "allowAddRemoveApps": st.MemberAllowAddRemoveApps,
			"allowCreateUpdateRemoveTabs": false, "allowCreateUpdateRemoveConnectors": false,
		},
		"guestSettings": map[string]any{"allowCreateUpdateChannels": st.GuestAllowCreateUpdateChannels, "allowDeleteChannels": st.GuestAllowDeleteChannels},
		"messagingSettings": map[string]any{
			"allowUserEditMessages": st.AllowUserEditMessages, "allowUserDeleteMessages": st.AllowUserDeleteMessages,
			"allowOwnerDeleteMessages": st.AllowOwnerDeleteMessages, "allowTeamMentions": st.AllowTeamMentions, "allowChannelMentions": st.AllowChannelMentions,
		},
		"funSettings": map[string]any{"allowGiphy": st.AllowGiphy, "giphyContentRating": st.GiphyContentRating, "allowStickersAndMemes": false, "allowCustomMemes": false},
	}
}

func (s *Server) joinedTeams(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	var items []any
	for _, t := range s.t.w.Teams {
		if s.isMember(t.Members, g.userID) {
			items = append(items, map[string]any{"id": t.ID, "displayName": t.DisplayName, "description": t.Description,
				"isArchived": t.Archived, "tenantId": s.t.w.TenantID, "internalId": t.InternalID})
		}
	}
	s.t.mu.Unlock()
	writeJSON(w, 200, map[string]any{"@odata.context": s.graphBase() + "/$metadata#teams", "@odata.count": len(items), "value": orEmpty(items)})
}

func orEmpty(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	if t := s.teamFor(w, r, g); t != nil {
		out := s.teamJSON(t)
		out["@odata.context"] = s.graphBase() + "/$metadata#teams/$entity"
		writeJSON(w, 200, out)
	}
}

// patchTeam updates settings; Graph answers 204 with no body.
func (s *Server) patchTeam(w http.ResponseWriter, r *http.Request, g *grant) {
	var body struct {
		DisplayName    *string         `json:"displayName"`
		Description    *string         `json:"description"`
		MemberSettings map[string]bool `json:"memberSettings"`
		GuestSettings  map[string]bool `json:"guestSettings"`
		Messaging      map[string]bool `json:"messagingSettings"`
	}
	if err := decodeBody(r, &body); err != nil {
		graphError(w, r, 400, "BadRequest", "Invalid request body: "+err.Error())
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil {
		return
	}
	if !s.isOwner(t.Members, g.userID) {
		graphError(w, r, 403, "AccessDenied", "Only team owners can update team settings.")
		return
	}
	if body.DisplayName != nil {
		t.DisplayName = *body.DisplayName
	}
	if body.Description != nil {
		t.Description = *body.Description
	}
	st := &t.Settings
	set := map[string]*bool{
		"memberSettings.allowCreateUpdateChannels": &st.MemberAllowCreateUpdateChannels, "memberSettings.allowCreatePrivateChannels": &st.MemberAllowCreatePrivateChannels,
		"memberSettings.allowDeleteChannels": &st.MemberAllowDeleteChannels, "memberSettings.allowAddRemoveApps": &st.MemberAllowAddRemoveApps,
		"guestSettings.allowCreateUpdateChannels": &st.GuestAllowCreateUpdateChannels, "guestSettings.allowDeleteChannels": &st.GuestAllowDeleteChannels,
		"messagingSettings.allowUserEditMessages": &st.AllowUserEditMessages, "messagingSettings.allowUserDeleteMessages": &st.AllowUserDeleteMessages,
		"messagingSettings.allowOwnerDeleteMessages": &st.AllowOwnerDeleteMessages, "messagingSettings.allowTeamMentions": &st.AllowTeamMentions,
		"messagingSettings.allowChannelMentions": &st.AllowChannelMentions,
	}
	for group, m := range map[string]map[string]bool{"memberSettings": body.MemberSettings, "guestSettings": body.GuestSettings, "messagingSettings": body.Messaging} {
		for k, v := range m {
			p, ok := set[group+"."+k]
			if !ok {
				graphError(w, r, 400, "BadRequest", fmt.Sprintf("Property '%s' does not exist on type '%s'.", k, group))
				return
			}
			*p = v
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) isOwner(members []Member, userID string) bool {
	return slices.ContainsFunc(members, func(m Member) bool { return m.UserID == userID && hasRole(m.Roles, "owner") })
}

func (s *Server) channelJSON(t *Team, ch *Channel) map[string]any {
	return map[string]any{
		"id": ch.ID, "createdDateTime": graphTime(ch.Created), "displayName": ch.DisplayName, "description": nullIfEmpty(ch.Description),
		"isFavoriteByDefault": nil, "email": "", "tenantId": s.t.w.TenantID, "membershipType": ch.MembershipType, "isArchived": false,
		"webUrl": "https://teams.microsoft.com/l/channel/" + url.PathEscape(ch.ID) + "/" + url.PathEscape(ch.DisplayName) + "?groupId=" + t.ID + "&tenantId=" + s.t.w.TenantID,
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request, g *grant) {
	var want string
	if f := query(r, "filter"); f != "" {
		v, ok := strings.CutPrefix(f, "membershipType eq '")
		if !ok || !strings.HasSuffix(v, "'") {
			graphError(w, r, 400, "BadRequest", "Filter is not supported: "+f)
			return
		}
		want = strings.TrimSuffix(v, "'")
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	t := s.teamFor(w, r, g)
	if t == nil {
		return
	}
	var items []any
	for _, ch := range t.Channels {
		if ch.MembershipType == "private" && !s.isMember(ch.Members, g.userID) {
			continue // private channels are visible to their members only
		}
		if want == "" || ch.MembershipType == want {
			items = append(items, s.channelJSON(t, ch))
		}
	}
	writeJSON(w, 200, map[string]any{"@odata.context": s.graphBase() + "/$metadata#teams('" + t.ID + "')/channels", "@odata.count": len(items), "value": orEmpty(items)})
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	if ch := s.channelFor(w, r, g); ch != nil {
		out := s.channelJSON(s.t.teams[ch.TeamID], ch)
		out["@odata.context"] = s.graphBase() + "/$metadata#teams('" + ch.TeamID + "')/channels/$entity"
		writeJSON(w, 200, out)
	}
}

// maxInlineReplies is how many replies $expand=replies inlines under a
// root; past it the root carries replies@odata.nextLink to the rest.
const maxInlineReplies = 1000

// channelMessageJSON renders a root with its replies when expand is set.
// As Graph does, the expansion holds the first page of the /replies
// listing (newest first, at most maxInlineReplies), replies@odata.count is
// how many it holds, and replies@odata.nextLink continues the listing when
// more exist.
func (s *Server) channelMessageJSON(c *conv, m *Message, expand, unknown bool) map[string]any {
	out := s.messageJSON(m, unknown, s.graphBase())
	if expand {
		all := c.replies(m)
		slices.Reverse(all)
		var rs []any
		for _, rp := range all[:min(len(all), maxInlineReplies)] {
			rs = append(rs, s.messageJSON(rp, unknown, s.graphBase()))
		}
		out["replies@odata.context"] = s.graphBase() + "/$metadata#teams('" + m.TeamID + "')/channels('" + url.PathEscape(m.ChannelID) + "')/messages('" + m.ID + "')/replies"
		out["replies@odata.count"] = len(rs)
		if len(all) > maxInlineReplies {
			out["replies@odata.nextLink"] = s.repliesLink(m, maxInlineReplies)
		}
		out["replies"] = orEmpty(rs)
	}
	return out
}

// repliesLink is the absolute link to root's /replies listing from
// position pos on, as in replies@odata.nextLink.
func (s *Server) repliesLink(root *Message, pos int) string {
	q := url.Values{}
	q.Set("$skiptoken", pageToken{Pos: pos}.encode())
	return s.graphBase() + "/teams/" + url.PathEscape(root.TeamID) + "/channels/" + url.PathEscape(root.ChannelID) +
		"/messages/" + url.PathEscape(root.ID) + "/replies?" + q.Encode()
}

func expandReplies(w http.ResponseWriter, r *http.Request) (bool, bool) {
	switch e := query(r, "expand"); e {
	case "":
		return false, true
	case "replies":
		return true, true
	default:
		graphError(w, r, 400, "BadRequest", "Expand of '"+e+"' is not supported. Only 'replies' can be expanded.")
		return false, false
	}
}

// listChannelMessages lists root posts, newest first, 20 a page by default.
func (s *Server) listChannelMessages(w http.ResponseWriter, r *http.Request, g *grant) {
	top, ok := pageSize(w, r, 20, 50)
	if !ok {
		return
	}
	expand, ok := expandReplies(w, r)
	if !ok {
		return
	}
	tok, ok := skipToken(w, r)
	if !ok {
		return
	}
	unknown := preferUnknownEnums(r)
	s.t.mu.Lock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		s.t.mu.Unlock()
		return
	}
	c := ch.conv
	n := c.rootCount()
	var items []any
	pos := tok.Pos
	for ; pos < n && len(items) < top; pos++ {
		items = append(items, s.channelMessageJSON(c, c.rootAt(n-1-pos), expand, unknown))
	}
	s.t.mu.Unlock()
	next := ""
	if pos < n {
		next = s.nextLink(r, pos)
	}
	writeJSON(w, 200, collection(s.graphBase()+"/$metadata#teams('"+ch.TeamID+"')/channels('"+url.PathEscape(ch.ID)+"')/messages", items, next))
}

func (s *Server) getChannelMessage(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		return
	}
	id := r.PathValue("msg")
	if rid := r.PathValue("reply"); rid != "" {
		id = rid
	}
	m := ch.conv.get(id)
	if m == nil || (r.PathValue("reply") != "" && m.ReplyToID != r.PathValue("msg")) {
		graphError(w, r, 404, "NotFound", "Message not found: "+id)
		return
	}
	writeJSON(w, 200, s.messageJSON(m, preferUnknownEnums(r), s.graphBase()))
}

// listReplies lists a root's replies newest first, $top ≤ 50 (default 50),
// with @odata.nextLink pages; replies@odata.nextLink points here too.
func (s *Server) listReplies(w http.ResponseWriter, r *http.Request, g *grant) {
	top, ok := pageSize(w, r, 50, 50)
	if !ok {
		return
	}
	tok, ok := skipToken(w, r)
	if !ok {
		return
	}
	s.t.mu.Lock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		s.t.mu.Unlock()
		return
	}
	root := ch.conv.get(r.PathValue("msg"))
	if root == nil || root.ReplyToID != "" {
		s.t.mu.Unlock()
		graphError(w, r, 404, "NotFound", "Message not found: "+r.PathValue("msg"))
		return
	}
	rs := ch.conv.replies(root)
	// Newest first, as Graph lists replies.
	slices.Reverse(rs)
	end := min(len(rs), tok.Pos+top)
	var items []any
	for _, m := range rs[min(tok.Pos, len(rs)):end] {
		items = append(items, s.messageJSON(m, preferUnknownEnums(r), s.graphBase()))
	}
	s.t.mu.Unlock()
	next := ""
	if end < len(rs) {
		next = s.nextLink(r, end)
	}
	out := collection(s.graphBase()+"/$metadata#teams('"+ch.TeamID+"')/channels('"+url.PathEscape(ch.ID)+"')/messages('"+root.ID+"')/replies", items, next)
	// Teams' @odata.count is the number of items on the page.
	out["@odata.count"] = len(items)
	writeJSON(w, 200, out)
}
