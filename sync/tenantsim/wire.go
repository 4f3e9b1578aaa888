package tenantsim

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// graphTime formats a timestamp as Graph does.
func graphTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return graphTime(*t)
}

// graphError writes Graph's error body.
func graphError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	reqID := guid(time.Now().UnixNano(), "request")
	cid := r.Header.Get("client-request-id")
	if cid == "" {
		cid = reqID
	}
	w.Header().Set("request-id", reqID)
	w.Header().Set("client-request-id", cid)
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": code, "message": msg,
		"innerError": map[string]any{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": reqID, "client-request-id": cid},
	}})
}

// query reads an OData system query option; option names are
// case-insensitive and may arrive with or without the "$".
func query(r *http.Request, name string) string {
	for k, v := range r.URL.Query() {
		if strings.EqualFold(strings.TrimPrefix(k, "$"), name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// readBody returns the request body, un-gzipped when the client
// compressed it (msgraph-sdk-go gzips every body).
func readBody(r *http.Request) ([]byte, error) {
	var rd io.Reader = io.LimitReader(r.Body, 4<<20)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		rd = zr
	}
	return io.ReadAll(rd)
}

func decodeBody(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fmt.Errorf("empty request body")
	}
	return json.Unmarshal(b, v)
}

// pageToken is the opaque state behind $skiptoken and $deltatoken.
type pageToken struct {
	Pos    int    `json:"p,omitempty"`
	Seq    int64  `json:"s,omitempty"`  // delta: changes after this sequence
	Next   int64  `json:"n,omitempty"`  // delta: the round's closing sequence
	Gen    int    `json:"g,omitempty"`  // token generation (expiry)
	Expand bool   `json:"e,omitempty"`  // delta: $expand=replies
	Top    int    `json:"t,omitempty"`  // page size
	Filter string `json:"f,omitempty"`  // delta first round: lastModifiedDateTime gt …
	Full   bool   `json:"fl,omitempty"` // delta: in the initial full round
}

func (p pageToken) encode() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string) (pageToken, error) {
	var p pageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return p, fmt.Errorf("malformed token")
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("malformed token")
	}
	return p, nil
}

// link builds an absolute link back to this request's path with the
// given query, as Graph's @odata.nextLink and @odata.deltaLink are.
func (s *Server) link(r *http.Request, q url.Values) string {
	return s.base() + r.URL.EscapedPath() + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// nextLink is the @odata.nextLink that resumes this request's listing at
// pos: the request's own query plus a $skiptoken, as Graph's links are.
func (s *Server) nextLink(r *http.Request, pos int) string {
	q := keepQuery(r)
	q.Set("$skiptoken", pageToken{Pos: pos}.encode())
	return s.link(r, q)
}

// keepQuery copies the request's query without the token options.
func keepQuery(r *http.Request) url.Values {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		lk := strings.ToLower(strings.TrimPrefix(k, "$"))
		if lk == "skiptoken" || lk == "deltatoken" {
			continue
		}
		q[k] = v
	}
	return q
}

// userIdentity is a teamworkUserIdentity.
func (s *Server) userIdentity(id string, withName bool) map[string]any {
	u := s.t.user(id)
	m := map[string]any{"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": id, "userIdentityType": "aadUser", "tenantId": s.t.w.TenantID}
	if withName {
		m["displayName"] = u.DisplayName
	} else {
		m["displayName"] = nil
	}
	return m
}

// appIdentity is a teamworkApplicationIdentity: a bot or a connector.
func appIdentity(a *App) map[string]any {
	return map[string]any{"@odata.type": "#microsoft.graph.teamworkApplicationIdentity", "id": a.ID, "displayName": a.DisplayName,
		"applicationIdentityType": a.Kind}
}

func identitySet(user map[string]any) map[string]any {
	return map[string]any{"application": nil, "device": nil, "user": user}
}

// user resolves a live user (invited ones included).
func (t *Tenant) user(id string) *User {
	if u, ok := t.users[id]; ok {
		return u
	}
	return t.w.user(id)
}

func (s *Server) messageJSON(m *Message, unknownEnums bool, graphBase string) map[string]any {
	out := map[string]any{
		"id": m.ID, "replyToId": nil, "etag": m.ETag(), "messageType": m.Type,
		"createdDateTime": graphTime(m.Created), "lastModifiedDateTime": graphTime(m.LastModified),
		"lastEditedDateTime": optTime(m.LastEdited), "deletedDateTime": optTime(m.Deleted),
		"subject": nil, "summary": nil, "chatId": nil, "importance": m.Importance, "locale": m.Locale,
		"webUrl": nil, "channelIdentity": nil, "policyViolation": nil, "eventDetail": nil,
		"attachments": []any{}, "mentions": []any{}, "reactions": []any{}, "messageHistory": []any{},
	}
	if m.ReplyToID != "" {
		out["replyToId"] = m.ReplyToID
	}
	if m.ChatID != "" {
		out["chatId"] = m.ChatID
	} else {
		out["channelIdentity"] = map[string]any{"teamId": m.TeamID, "channelId": m.ChannelID}
		if m.ReplyToID == "" {
			out["subject"] = m.Subject
		}
		parent := m.ID
		if m.ReplyToID != "" {
			parent = m.ReplyToID
		}
		out["webUrl"] = fmt.Sprintf("https://teams.microsoft.com/l/message/%s/%s?groupId=%s&tenantId=%s&createdTime=%s&parentMessageId=%s",
			url.PathEscape(m.ChannelID), m.ID, m.TeamID, s.t.w.TenantID, m.ID, parent)
	}
	if m.Type == "systemEventMessage" {
		if !unknownEnums {
			out["messageType"] = "unknownFutureValue"
		}
		out["from"] = nil
		out["body"] = map[string]any{"contentType": "html", "content": "<systemEventMessage/>"}
		if e := m.Event; e != nil {
			var members []any
			for _, id := range e.Members {
				members = append(members, map[string]any{"id": id, "displayName": nil, "userIdentityType": "aadUser", "tenantId": s.t.w.TenantID})
			}
			out["eventDetail"] = map[string]any{
				"@odata.type":                 "#microsoft.graph." + e.Type + "EventMessageDetail",
				"visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
				"members":                     members,
				"initiator":                   identitySet(s.userIdentity(e.Initiator, false)),
			}
		}
		return out
	}
	if m.App != nil {
		out["from"] = map[string]any{"application": appIdentity(m.App), "device": nil, "user": nil}
	} else {
		out["from"] = identitySet(s.userIdentity(m.AuthorID, true))
	}
	body := strings.ReplaceAll(m.HTML, "{{graph}}", graphBase)
	ct := "html"
	if m.Deleted != nil {
		body = ""
	}
	out["body"] = map[string]any{"contentType": ct, "content": body}
	var atts []any
	for _, a := range m.Attachments {
		if a.IsFile() {
			atts = append(atts, map[string]any{"id": a.ID, "contentType": "reference", "contentUrl": a.URL, "content": nil, "name": a.Name, "thumbnailUrl": nil, "teamsAppId": nil})
			continue
		}
		// A card: its content is a JSON document in a string.
		atts = append(atts, map[string]any{"id": a.ID, "contentType": a.Card, "contentUrl": nil, "content": a.Content, "name": nil, "thumbnailUrl": nil, "teamsAppId": nil})
	}
	if atts != nil {
		out["attachments"] = atts
	}
	var mentions []any
	for _, mn := range m.Mentions {
		mentions = append(mentions, map[string]any{"id": mn.ID, "mentionText": mn.Text, "mentioned": map[string]any{
			"application": nil, "device": nil, "conversation": nil, "tag": nil, "user": s.userIdentity(mn.UserID, true)}})
	}
	if mentions != nil {
		out["mentions"] = mentions
	}
	var reactions []any
	for _, rc := range m.Reactions {
		reactions = append(reactions, map[string]any{"reactionType": rc.Type, "displayName": nil, "reactionContentUrl": nil,
			"createdDateTime": graphTime(rc.Created), "user": identitySet(s.userIdentity(rc.UserID, false))})
	}
	if reactions != nil {
		out["reactions"] = reactions
	}
	return out
}

// memberID is the opaque conversation-member id: base64 of
// "{container}##{user}", as Graph's.
func memberID(container, userID string) string {
	return base64.StdEncoding.EncodeToString([]byte(container + "##" + userID))
}

func parseMemberID(id string) (container, userID string, ok bool) {
	b, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		return "", "", false
	}
	container, userID, ok = strings.Cut(string(b), "##")
	return
}

func (s *Server) memberJSON(container string, mb Member) map[string]any {
	u := s.t.user(mb.UserID)
	roles := mb.Roles
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{
		"@odata.type": "#microsoft.graph.aadUserConversationMember",
		"id":          memberID(container, mb.UserID), "roles": roles, "displayName": u.DisplayName,
		"visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
		"userId":                      u.ID, "email": u.Mail, "tenantId": s.t.w.TenantID,
	}
}

func (s *Server) userJSON(u *User, sel string, withSignIn bool) map[string]any {
	out := map[string]any{
		"id": u.ID, "displayName": u.DisplayName, "givenName": u.GivenName, "surname": u.Surname,
		"mail": u.Mail, "userPrincipalName": u.UPN, "jobTitle": u.JobTitle, "preferredLanguage": u.PreferredLanguage,
		"businessPhones": []string{}, "mobilePhone": nil, "officeLocation": nil,
	}
	extra := map[string]any{
		"userType": u.UserType, "externalUserState": nil, "externalUserStateChangeDateTime": nil,
		"createdDateTime": graphTime(u.Created), "creationType": nil, "accountEnabled": !u.Disabled,
	}
	if u.ExternalUserState != "" {
		extra["externalUserState"] = u.ExternalUserState
		extra["externalUserStateChangeDateTime"] = graphTime(u.Created)
	}
	if u.CreationType != "" {
		extra["creationType"] = u.CreationType
	}
	if sel == "" {
		return out
	}
	picked := map[string]any{}
	for _, f := range strings.Split(sel, ",") {
		f = strings.TrimSpace(f)
		if v, ok := out[f]; ok {
			picked[f] = v
		} else if v, ok := extra[f]; ok {
			picked[f] = v
		} else if f == "signInActivity" && withSignIn {
			if u.LastSignIn == nil {
				picked[f] = nil
			} else {
				picked[f] = map[string]any{
					"lastSignInDateTime": graphTime(*u.LastSignIn), "lastSignInRequestId": guid(1, "signin", u.ID),
					"lastNonInteractiveSignInDateTime": graphTime(*u.LastSignIn), "lastNonInteractiveSignInRequestId": guid(2, "signin", u.ID),
					"lastSuccessfulSignInDateTime": graphTime(*u.LastSignIn), "lastSuccessfulSignInRequestId": guid(3, "signin", u.ID),
				}
			}
		}
	}
	picked["id"] = u.ID
	return picked
}
