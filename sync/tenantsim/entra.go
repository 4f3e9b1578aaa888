package tenantsim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
)

// DefaultClientID is the app registration the simulated tenant knows.
const DefaultClientID = "0b6f7b3e-5a5c-4c1e-9d2a-7e1f0c4d9a11"

// DeviceFlow is how the simulated user answers device-code sign-ins.
type DeviceFlow string

// Device-code behaviours. DeviceApprove signs the user in at once (the
// demo); the others let tests see every state Entra can report.
const (
	DeviceApprove DeviceFlow = "approve" // approved on the first poll
	DevicePending DeviceFlow = "pending" // authorization_pending until ApproveDevice
	DeviceDeny    DeviceFlow = "deny"    // authorization_declined
	DeviceExpire  DeviceFlow = "expire"  // expired_token
)

// Delegated permissions the app registration holds (what ".default"
// grants). Graph endpoints check them per route (graph.go).
var graphPermissions = []string{
	"User.Read", "User.ReadBasic.All", "User.Read.All", "User.Invite.All", "AuditLog.Read.All",
	"Chat.ReadBasic", "Chat.Read", "Chat.ReadWrite", "ChatMember.Read", "ChatMember.ReadWrite", "ChatMessage.Send",
	"Team.ReadBasic.All", "TeamSettings.Read.All", "TeamSettings.ReadWrite.All",
	"Channel.ReadBasic.All", "ChannelMessage.Read.All", "ChannelMember.Read.All", "ChannelMember.ReadWrite.All",
	"TeamMember.Read.All", "TeamMember.ReadWrite.All", "TeamMember.ReadWriteNonOwnerRole.All",
	"ChannelMessage.Send", "Files.Read.All", "Files.ReadWrite.All",
}

var dataversePermissions = []string{"user_impersonation"}

var oidcScopes = []string{"openid", "profile", "offline_access", "email"}

type grant struct {
	userID   string
	resource string
	scopes   []string // permission names without the resource prefix
	issued   time.Time
	expires  time.Time
}

type deviceGrant struct {
	userCode string
	clientID string
	scope    string
	expires  time.Time
	approved string // user id once approved
	denied   bool
}

type authCode struct {
	userID, clientID, scope, redirect, challenge string
	expires                                      time.Time
}

type entra struct {
	clientID string
	lifetime time.Duration
	flow     DeviceFlow
	signIn   string // user id that approves sign-ins

	devices map[string]*deviceGrant // by device_code
	codes   map[string]*authCode
	access  map[string]*grant
	refresh map[string]string // refresh token -> user id

	// revoked and challenged hold, per user, when their sign-in was
	// revoked (password reset, "sign out of all sessions": every token
	// refused) or a Continuous Access Evaluation event asked for new
	// claims (tokens issued until then refused with a claims challenge).
	revoked    map[string]time.Time
	challenged map[string]time.Time

	// consented holds, per user, the Graph permissions the user consented
	// to by signing in for them (device code or browser). A refresh token
	// redeemed for a Graph permission not among them is refused with
	// consent_required (AADSTS65001), as Entra refuses a silent request
	// for a permission nobody consented to: the app must send the user
	// through an interactive sign-in that asks for it (incremental
	// consent). ".default" stands for every permission of the app
	// registration (an admin's consent). Dataverse's user_impersonation
	// counts as consented by the tenant's admin.
	consented map[string]map[string]bool
}

func newEntra(clientID string, lifetime time.Duration, me string) *entra {
	return &entra{
		clientID: clientID, lifetime: lifetime, flow: DeviceApprove, signIn: me,
		devices: map[string]*deviceGrant{}, codes: map[string]*authCode{},
		access: map[string]*grant{}, refresh: map[string]string{},
		revoked: map[string]time.Time{}, challenged: map[string]time.Time{},
		consented: map[string]map[string]bool{},
	}
}

func randToken(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// oauthError writes an Entra token-endpoint error.
func oauthError(w http.ResponseWriter, status int, code, desc string, aadsts int) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"error": code, "error_description": fmt.Sprintf("AADSTS%d: %s", aadsts, desc),
		"error_codes": []int{aadsts}, "timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"),
		"trace_id": guid(time.Now().UnixNano(), "trace"), "correlation_id": guid(time.Now().UnixNano(), "corr"),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// entraRoutes serves /{tenant}/… and the discovery endpoints.
func (s *Server) entraRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.openIDConfig)
	mux.HandleFunc("GET /common/discovery/instance", s.instanceDiscovery)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", s.deviceCode)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.authorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/authorize", s.authorize)
	mux.HandleFunc("GET /devicelogin", s.deviceLogin)
	mux.HandleFunc("POST /devicelogin", s.deviceLogin)
}

// knownTenant accepts the tenant id, the home domain and the multi-tenant
// aliases.
func (s *Server) knownTenant(r *http.Request) bool {
	t := strings.ToLower(r.PathValue("tenant"))
	return t == s.t.w.TenantID || t == s.t.w.Domain || t == "organizations" || t == "common"
}

func (s *Server) openIDConfig(w http.ResponseWriter, r *http.Request) {
	if !s.knownTenant(r) {
		oauthError(w, 400, "invalid_tenant", fmt.Sprintf("Tenant '%s' not found.", r.PathValue("tenant")), 90002)
		return
	}
	base := s.base() + "/" + r.PathValue("tenant")
	issuer := s.base() + "/" + s.t.w.TenantID + "/v2.0"
	writeJSON(w, 200, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     s.base() + "/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "preferred_username", "name", "tid", "ver", "oid"},
		"tenant_region_scope":                   "AS",
		"cloud_instance_name":                   "microsoftonline.com",
	})
}

func (s *Server) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimPrefix(s.base(), "https://")
	writeJSON(w, 200, map[string]any{
		"tenant_discovery_endpoint": s.base() + "/" + s.t.w.TenantID + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata":                  []map[string]any{{"preferred_network": host, "preferred_cache": host, "aliases": []string{host}}},
	})
}

// graphAppID is Microsoft Graph's application id, which Entra also
// accepts as its resource in a scope (00000003-…/User.Read).
const graphAppID = "00000003-0000-0000-c000-000000000000"

// scopeError is a refused scope: the OAuth error code and AADSTS number
// Entra answers with.
type scopeError struct {
	code   string
	aadsts int
	msg    string
}

func (e *scopeError) Error() string { return e.msg }

// resourceOf splits requested scopes into one resource and its permission
// names, as Entra does: all non-OIDC scopes must name the same resource.
// Microsoft Graph is named by its resource identifier in this cloud
// (Options.GraphResource), by its application id, or by a bare permission
// name; never by the host it is reached at. Any other resource is
// unknown: invalid_resource, AADSTS500011.
func (s *Server) resourceOf(scope string) (resource string, perms []string, err error) {
	for _, sc := range strings.Fields(scope) {
		if slices.Contains(oidcScopes, sc) {
			continue
		}
		res, perm := s.graphResource(), sc
		if i := strings.LastIndex(sc, "/"); i >= 0 {
			res, perm = sc[:i], sc[i+1:]
			switch {
			case strings.EqualFold(res, s.graphResource()) || strings.EqualFold(res, graphAppID):
				res = s.graphResource()
			case strings.EqualFold(res, s.dataverseResource()):
				res = s.dataverseResource()
			default:
				return "", nil, &scopeError{"invalid_resource", 500011, fmt.Sprintf(
					"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
					res, s.t.w.Domain)}
			}
		}
		if perm == "" {
			return "", nil, &scopeError{"invalid_scope", 70011, fmt.Sprintf("The provided value for the input parameter 'scope' is not valid. The scope %s is not valid.", sc)}
		}
		if resource != "" && res != resource {
			return "", nil, &scopeError{"invalid_scope", 28000, fmt.Sprintf("Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", scope)}
		}
		resource = res
		perms = append(perms, perm)
	}
	if resource == "" {
		return "", nil, &scopeError{"invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid: no resource scope requested."}
	}
	known := graphPermissions
	if resource == s.dataverseResource() {
		known = dataversePermissions
	}
	for _, p := range perms {
		if p != ".default" && !slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, p) }) {
			return "", nil, &scopeError{"invalid_scope", 70011, fmt.Sprintf("The provided value for the input parameter 'scope' is not valid. The scope %s is not granted to this application.", p)}
		}
	}
	return resource, perms, nil
}

// scopeFail writes a refused scope as the token or device-code endpoint
// does.
func scopeFail(w http.ResponseWriter, err error) {
	se, ok := err.(*scopeError)
	if !ok {
		se = &scopeError{"invalid_scope", 70011, err.Error()}
	}
	oauthError(w, 400, se.code, se.msg, se.aadsts)
}

func (s *Server) checkClient(w http.ResponseWriter, r *http.Request) bool {
	if id := r.PostFormValue("client_id"); id != s.t.auth.clientID {
		oauthError(w, 400, "unauthorized_client", fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", id, s.t.w.Domain), 700016)
		return false
	}
	return true
}

func (s *Server) deviceCode(w http.ResponseWriter, r *http.Request) {
	if !s.checkClient(w, r) {
		return
	}
	scope := r.PostFormValue("scope")
	if _, _, err := s.resourceOf(scope); err != nil {
		scopeFail(w, err)
		return
	}
	t := s.t
	t.mu.Lock()
	defer t.mu.Unlock()
	code := randToken("DAQABAAEAAAD", 24)
	uc := strings.ToUpper(randToken("", 4))
	t.auth.devices[code] = &deviceGrant{userCode: uc, clientID: r.PostFormValue("client_id"), scope: scope, expires: time.Now().Add(15 * time.Minute)}
	uri := s.base() + "/devicelogin"
	writeJSON(w, 200, map[string]any{
		"user_code": uc, "device_code": code, "verification_uri": uri,
		"expires_in": 900, "interval": 5,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", uri, uc),
	})
}

// deviceLogin is the page the user would open: it approves the code
// given as code= for the default user once the user proves who they are,
// with the run's password (ControlToken) as a posted form field or as a
// bearer token.
func (s *Server) deviceLogin(w http.ResponseWriter, r *http.Request) {
	code := r.FormValue("code")
	if code != "" && s.controlAuthorized(r, true) {
		if err := s.t.ApproveDevice(code, ""); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		fmt.Fprintln(w, "Signed in. You can close this page.")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if code != "" {
		w.WriteHeader(http.StatusUnauthorized)
	}
	signInPage.Execute(w, map[string]any{"Code": code, "Wrong": code != ""})
}

var signInPage = template.Must(template.New("s").Parse(`<!doctype html>
<html><head><title>Sign in to your account</title></head><body>
<form method="post">
{{if .Wrong}}<p>Wrong code or password.</p>{{end}}
{{if ne .Code "-"}}<label>Code <input name="code" value="{{.Code}}"></label>{{end}}
<label>Password <input type="password" name="password" autofocus></label>
<button type="submit">Sign in</button>
</form>
<p>The password is the token <code>rapport tenantsim</code> printed.</p>
</body></html>`))

// ApproveDevice signs in the device code with userCode as userID (the
// default user when userID is "").
func (t *Tenant) ApproveDevice(userCode, userID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if userID == "" {
		userID = t.auth.signIn
	}
	for _, d := range t.auth.devices {
		if strings.EqualFold(d.userCode, userCode) {
			d.approved = userID
			return nil
		}
	}
	return fmt.Errorf("no pending sign-in with code %s", userCode)
}

// SetDeviceFlow chooses how device-code sign-ins are answered.
func (t *Tenant) SetDeviceFlow(f DeviceFlow) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.auth.flow = f
}

// SignInAs makes userID the user who approves sign-ins.
func (t *Tenant) SignInAs(userID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.auth.signIn = userID
}

// ExpireTokens makes every issued access token expired (refresh tokens
// stay valid), as when a laptop wakes after a night.
func (t *Tenant) ExpireTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, g := range t.auth.access {
		g.expires = time.Now().Add(-time.Minute)
	}
}

// RevokeSignIn revokes every token of userID (the signed-in user when ""),
// as a password reset or "sign out of all sessions" does: Graph and
// Dataverse refuse its unexpired access tokens (401
// InvalidAuthenticationToken) and the token endpoint its refresh tokens
// (invalid_grant, AADSTS50173) until the user signs in again.
func (t *Tenant) RevokeSignIn(userID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if userID == "" {
		userID = t.auth.signIn
	}
	t.auth.revoked[userID] = time.Now()
	for rt, u := range t.auth.refresh {
		if u == userID {
			delete(t.auth.refresh, rt)
		}
	}
}

// ChallengeClaims makes Graph refuse userID's access tokens issued until
// now with a Continuous Access Evaluation claims challenge (401,
// WWW-Authenticate error="insufficient_claims", claims="…"). The refresh
// token stays good: a client that redeems it with the claims goes on.
func (t *Tenant) ChallengeClaims(userID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if userID == "" {
		userID = t.auth.signIn
	}
	t.auth.challenged[userID] = time.Now()
}

// RevokeTokens invalidates every access and refresh token.
func (t *Tenant) RevokeTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.auth.access)
	clear(t.auth.refresh)
}

var authorizePage = template.Must(template.New("a").Parse(`<!doctype html>
<html><head><title>Sign in to your account</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="{{.Redirect}}">
<input type="hidden" name="code" value="{{.Code}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="session_state" value="{{.Session}}">
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>`))

// authorize serves the interactive sign-in: the default user consents at
// once and the page posts the code back to the app (response_mode=form_post).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.t.auth.clientID {
		http.Error(w, "AADSTS700016: unknown application", http.StatusBadRequest)
		return
	}
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	if !strings.HasPrefix(redirect, "http://localhost") && !strings.HasPrefix(redirect, "http://127.0.0.1") {
		http.Error(w, "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application.", http.StatusBadRequest)
		return
	}
	if _, _, err := s.resourceOf(q.Get("scope")); err != nil {
		se, _ := err.(*scopeError)
		http.Error(w, fmt.Sprintf("AADSTS%d: %s", se.aadsts, se.msg), http.StatusBadRequest)
		return
	}
	if !s.opts.AutoApprove && !s.controlAuthorized(r, true) {
		// The user signs in first: the form posts back here, query kept.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusUnauthorized)
		}
		signInPage.Execute(w, map[string]any{"Code": "-", "Wrong": r.Method == http.MethodPost})
		return
	}
	t := s.t
	t.mu.Lock()
	code := randToken("0.AX", 32)
	t.auth.codes[code] = &authCode{userID: t.auth.signIn, clientID: q.Get("client_id"), scope: q.Get("scope"), redirect: redirect, challenge: q.Get("code_challenge"), expires: time.Now().Add(10 * time.Minute)}
	t.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	authorizePage.Execute(w, map[string]string{"Redirect": redirect, "Code": code, "State": q.Get("state"), "Session": guid(time.Now().UnixNano(), "session")})
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !s.checkClient(w, r) {
		return
	}
	t := s.t
	t.mu.Lock()
	defer t.mu.Unlock()
	scope := r.PostFormValue("scope")
	var userID string
	switch gt := r.PostFormValue("grant_type"); gt {
	case "device_code", "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := t.auth.devices[r.PostFormValue("device_code")]
		switch {
		case !ok:
			oauthError(w, 400, "invalid_grant", "The provided value for the input parameter 'device_code' is not valid.", 70000)
			return
		case t.auth.flow == DeviceExpire || time.Now().After(d.expires):
			oauthError(w, 400, "expired_token", "The code has expired.", 70020)
			return
		case t.auth.flow == DeviceDeny || d.denied:
			oauthError(w, 400, "authorization_declined", "The user declined the sign-in request.", 70019)
			return
		case t.auth.flow == DeviceApprove && d.approved == "":
			d.approved = t.auth.signIn
		case d.approved == "":
			oauthError(w, 400, "authorization_pending", "The authorization request is still pending.", 70016)
			return
		}
		userID = d.approved
		if scope == "" {
			scope = d.scope
		}
		delete(t.auth.devices, r.PostFormValue("device_code"))
	case "authorization_code":
		c, ok := t.auth.codes[r.PostFormValue("code")]
		if !ok || time.Now().After(c.expires) {
			oauthError(w, 400, "invalid_grant", "The provided authorization code or refresh token has expired or is invalid.", 70008)
			return
		}
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			oauthError(w, 400, "invalid_grant", "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.", 501481)
			return
		}
		if r.PostFormValue("redirect_uri") != c.redirect {
			oauthError(w, 400, "invalid_grant", "The reply URL specified in the request does not match the reply URL used in the authorization request.", 500112)
			return
		}
		delete(t.auth.codes, r.PostFormValue("code"))
		userID = c.userID
	case "refresh_token":
		u, ok := t.auth.refresh[r.PostFormValue("refresh_token")]
		if !ok {
			oauthError(w, 400, "invalid_grant", "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on an earlier date and the TokensValidFrom date (before which tokens are not valid) for this user is later.", 50173)
			return
		}
		userID = u
	default:
		oauthError(w, 400, "unsupported_grant_type", fmt.Sprintf("The provided grant_type '%s' is not supported.", gt), 70003)
		return
	}
	if c := r.PostFormValue("claims"); c != "" && !json.Valid([]byte(c)) {
		oauthError(w, 400, "invalid_request", "The claims parameter is not valid JSON.", 90014)
		return
	}
	resource, perms, err := s.resourceOf(scope)
	if err != nil {
		scopeFail(w, err)
		return
	}
	if resource == s.graphResource() {
		if r.PostFormValue("grant_type") == "refresh_token" {
			if missing := t.auth.unconsented(userID, perms); len(missing) > 0 {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(400)
				json.NewEncoder(w).Encode(map[string]any{
					"error": "invalid_grant", "suberror": "consent_required",
					"error_description": fmt.Sprintf("AADSTS65001: The user or administrator has not consented to use the application with ID '%s' named 'Rapport'. Send an interactive authorization request for this user and resource. (%s)",
						t.auth.clientID, strings.Join(missing, ", ")),
					"error_codes": []int{65001}, "timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"),
					"trace_id": guid(time.Now().UnixNano(), "trace"), "correlation_id": guid(time.Now().UnixNano(), "corr"),
				})
				return
			}
		} else {
			t.auth.consent(userID, perms)
		}
	}
	writeJSON(w, 200, s.issue(userID, resource, perms, scope))
}

// consent records that userID consented to Graph perms (an interactive
// or device-code sign-in asking for them).
func (e *entra) consent(userID string, perms []string) {
	if e.consented[userID] == nil {
		e.consented[userID] = map[string]bool{}
	}
	for _, p := range perms {
		if p == ".default" {
			for _, k := range graphPermissions {
				e.consented[userID][strings.ToLower(k)] = true
			}
			continue
		}
		e.consented[userID][strings.ToLower(p)] = true
	}
}

// unconsented are the Graph perms userID has not consented to.
func (e *entra) unconsented(userID string, perms []string) []string {
	var out []string
	for _, p := range perms {
		if p != ".default" && !e.consented[userID][strings.ToLower(p)] {
			out = append(out, p)
		}
	}
	return out
}

// Consented lists the Graph permissions userID (the signed-in user when
// "") has consented to, sorted.
func (t *Tenant) Consented(userID string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if userID == "" {
		userID = t.auth.signIn
	}
	var out []string
	for _, k := range graphPermissions {
		if t.auth.consented[userID][strings.ToLower(k)] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// issue mints tokens; the caller holds t.mu. The scope it answers echoes
// each requested scope as it was written (MSAL compares them), or the
// .default scope itself for a .default request, as Entra does.
func (s *Server) issue(userID, resource string, perms []string, scope string) map[string]any {
	t := s.t
	granted := perms
	echo := []string{}
	if slices.Contains(perms, ".default") {
		granted = graphPermissions
		if resource == s.dataverseResource() {
			granted = dataversePermissions
		}
		for _, sc := range strings.Fields(scope) {
			if strings.HasSuffix(sc, "/.default") {
				echo = append(echo, sc)
			}
		}
	} else {
		granted = nil
		for _, p := range perms {
			i := slices.IndexFunc(graphPermissions, func(k string) bool { return strings.EqualFold(k, p) })
			if resource == s.dataverseResource() {
				i = slices.IndexFunc(dataversePermissions, func(k string) bool { return strings.EqualFold(k, p) })
				granted = append(granted, dataversePermissions[i])
				continue
			}
			granted = append(granted, graphPermissions[i])
		}
		for _, sc := range strings.Fields(scope) {
			if sc != "email" {
				echo = append(echo, sc)
			}
		}
	}
	now := time.Now()
	access := randToken("eyJ0eXAiOiJKV1Qi.sim.", 32)
	t.auth.access[access] = &grant{userID: userID, resource: resource, scopes: granted, issued: now, expires: now.Add(t.auth.lifetime)}
	refresh := randToken("1.AXsim.", 40)
	t.auth.refresh[refresh] = userID
	u := t.users[userID]
	b64 := func(v any) string {
		j, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(j)
	}
	idToken := b64(map[string]string{"typ": "JWT", "alg": "none"}) + "." + b64(map[string]any{
		"aud": t.auth.clientID, "iss": s.base() + "/" + t.w.TenantID + "/v2.0", "tid": t.w.TenantID,
		"oid": userID, "sub": guid(1, "sub", userID), "preferred_username": u.UPN, "name": u.DisplayName,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(t.auth.lifetime).Unix(), "ver": "2.0",
	}) + "."
	secs := int(t.auth.lifetime / time.Second)
	return map[string]any{
		"token_type": "Bearer", "scope": strings.Join(echo, " "),
		"expires_in": secs, "ext_expires_in": secs,
		"access_token": access, "refresh_token": refresh, "id_token": idToken,
		"client_info": b64(map[string]string{"uid": userID, "utid": t.w.TenantID}),
	}
}

// authenticate checks a bearer token for resource and returns its grant.
// It writes the Graph-shaped 401 itself when the token is unusable.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, resource string, fail func(w http.ResponseWriter, r *http.Request, status int, code, msg string)) (*grant, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		fail(w, r, 401, "InvalidAuthenticationToken", "Access token is empty.")
		return nil, false
	}
	t := s.t
	t.mu.Lock()
	g, ok := t.auth.access[tok]
	var copyG grant
	if ok {
		copyG = *g
	}
	t.mu.Unlock()
	switch {
	case !ok:
		fail(w, r, 401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).")
		return nil, false
	case time.Now().After(copyG.expires):
		w.Header().Set("WWW-Authenticate", `Bearer realm="", error="invalid_token", error_description="The token is expired"`)
		fail(w, r, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
		return nil, false
	case copyG.resource != resource:
		fail(w, r, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
		return nil, false
	}
	t.mu.Lock()
	revoked, isRevoked := t.auth.revoked[copyG.userID]
	challenged, isChallenged := t.auth.challenged[copyG.userID]
	t.mu.Unlock()
	switch {
	case isRevoked && !copyG.issued.After(revoked):
		fail(w, r, 401, "InvalidAuthenticationToken", "Access token has been revoked. The user's sign-in sessions were revoked after the token was issued.")
		return nil, false
	case isChallenged && !copyG.issued.After(challenged) && resource == s.graphResource():
		claims := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, `{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, challenged.Unix()))
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="%s", error="insufficient_claims", claims="%s"`, graphAppID, claims))
		fail(w, r, 401, "InvalidAuthenticationToken", "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp")
		return nil, false
	}
	return &copyG, true
}
