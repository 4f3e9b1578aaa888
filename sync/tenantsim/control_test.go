package tenantsim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// startLocked is a tenant as `rapport tenantsim` runs it: reachable by
// anyone on the machine, so nothing is approved without the run's token.
func startLocked(t *testing.T) *Server {
	t.Helper()
	srv, err := New(Options{Seed: 1, Size: Small})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}

func send(t *testing.T, srv *Server, method, path, auth string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, srv.base()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	c := srv.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestControlNeedsToken: every control route wants the run's token.
func TestControlNeedsToken(t *testing.T) {
	srv := startLocked(t)
	if len(srv.ControlToken()) < 32 {
		t.Fatalf("token %q", srv.ControlToken())
	}
	other := startLocked(t)
	routes := []struct{ method, path string }{
		{"GET", "/_control/world"},
		{"POST", "/_control/messages"},
		{"POST", "/_control/faults"},
		{"GET", "/_control/rows?set=chats"},
		{"POST", "/_control/device"},
		{"POST", "/_control/revoke"},
		{"POST", "/_control/expire-tokens"},
	}
	auths := []struct {
		name, header string
	}{
		{"no token", ""},
		{"wrong token", "Bearer nope"},
		{"another run's token", "Bearer " + other.ControlToken()},
		{"the token, not as a bearer", srv.ControlToken()},
	}
	for _, r := range routes {
		for _, a := range auths {
			t.Run(r.method+" "+r.path+" "+a.name, func(t *testing.T) {
				if status, body := send(t, srv, r.method, r.path, a.header, nil); status != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401: %s", status, body)
				}
			})
		}
	}
	if status, body := send(t, srv, "GET", "/_control/world", "Bearer "+srv.ControlToken(), nil); status != 200 || !strings.Contains(body, "generatedMessages") {
		t.Fatalf("with the token: %d %s", status, body)
	}
}

// TestSignInNeedsPassword: without AutoApprove, a device code waits until
// the user approves it with the run's password, and the authorize page
// asks for it before it hands out a code.
func TestSignInNeedsPassword(t *testing.T) {
	srv := startLocked(t)
	tenant := srv.t.w.TenantID
	scope := "https://graph.microsoft.com/.default offline_access"
	deviceCode := func() (device, user string) {
		status, body := send(t, srv, "POST", "/"+tenant+"/oauth2/v2.0/devicecode", "", url.Values{"client_id": {DefaultClientID}, "scope": {scope}})
		if status != 200 {
			t.Fatalf("devicecode: %d %s", status, body)
		}
		return between(body, `"device_code":"`, `"`), between(body, `"user_code":"`, `"`)
	}
	poll := func(device string) string {
		_, body := send(t, srv, "POST", "/"+tenant+"/oauth2/v2.0/token", "", url.Values{"client_id": {DefaultClientID},
			"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {device}})
		if strings.Contains(body, "access_token") {
			return "signed in"
		}
		return between(body, `"error":"`, `"`)
	}
	device, user := deviceCode()
	if got := poll(device); got != "authorization_pending" {
		t.Fatalf("first poll: %s, want authorization_pending (no auto-approval)", got)
	}
	tests := []struct {
		name   string
		method string
		path   string
		auth   string
		form   url.Values
		status int
	}{
		{"code in the URL", "GET", "/devicelogin?code=" + user, "", nil, 401},
		{"code posted without password", "POST", "/devicelogin", "", url.Values{"code": {user}}, 401},
		{"wrong password", "POST", "/devicelogin", "", url.Values{"code": {user}, "password": {"guess"}}, 401},
		{"password in the URL", "GET", "/devicelogin?code=" + user + "&password=" + srv.ControlToken(), "", nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, body := send(t, srv, tt.method, tt.path, tt.auth, tt.form); status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if got := poll(device); got != "authorization_pending" {
				t.Fatalf("after: %s, want authorization_pending", got)
			}
		})
	}
	if status, body := send(t, srv, "POST", "/devicelogin", "", url.Values{"code": {user}, "password": {srv.ControlToken()}}); status != 200 {
		t.Fatalf("with the password: %d %s", status, body)
	}
	if got := poll(device); got != "signed in" {
		t.Fatalf("after approval: %s", got)
	}
	device, user = deviceCode()
	if status, _ := send(t, srv, "GET", "/devicelogin?code="+user, "Bearer "+srv.ControlToken(), nil); status != 200 || poll(device) != "signed in" {
		t.Fatalf("approval with the bearer token: %d", status)
	}

	// The authorize page: a form first, a code only with the password.
	q := url.Values{"client_id": {DefaultClientID}, "response_type": {"code"}, "code_challenge_method": {"S256"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "redirect_uri": {"http://localhost:9/"}, "scope": {scope}}
	authorize := "/" + tenant + "/oauth2/v2.0/authorize?" + q.Encode()
	for _, tt := range []struct {
		name   string
		method string
		form   url.Values
		status int
		code   bool
	}{
		{"open", "GET", nil, 200, false},
		{"wrong password", "POST", url.Values{"password": {"guess"}}, 401, false},
		{"password", "POST", url.Values{"password": {srv.ControlToken()}}, 200, true},
	} {
		status, body := send(t, srv, tt.method, authorize, "", tt.form)
		if status != tt.status || strings.Contains(body, `name="code"`) != tt.code {
			t.Errorf("authorize, %s: %d, code %v; want %d, %v: %s", tt.name, status, !tt.code, tt.status, tt.code, body)
		}
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}
