package app

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// TestSyncCommandAgainstAnyTenant runs `rapport sync` as a user would in a
// fresh shell: endpoints and CA from flags, no token yet, so it signs in by
// device code (printed on stderr) and syncs; then `rapport status --json`
// reports what the store holds, and a second sync needs no sign-in (file
// token cache).
func TestSyncCommandAgainstAnyTenant(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 5, Size: tenantsim.Small})
	run := cliAgainst(t, srv)
	code, _, stderr := run("sync")
	if code != 0 {
		t.Fatalf("rapport sync: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"Sign in: To sign in, use a web browser to open the page", "sync: done"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, out, stderr := run("status", "--json")
	if code != 0 {
		t.Fatalf("rapport status: exit %d\n%s", code, stderr)
	}
	var st storage.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	w := srv.Tenant().World()
	if st.Teams != len(w.Teams) || st.Chats != len(w.Chats) || st.Messages != w.Messages || st.Records["incidents"] == 0 {
		t.Fatalf("status %+v; tenant has %d teams, %d chats, %d messages", st, len(w.Teams), len(w.Chats), w.Messages)
	}
	code, _, stderr = run("sync")
	if code != 0 || strings.Contains(stderr, "Sign in:") {
		t.Fatalf("second sync: exit %d, signed in again? %s", code, stderr)
	}
	// rapport search builds the index from the store, then answers.
	code, out, stderr = run("search", "--json", "--limit", "5", "付款 OR payment OR paiement")
	if code != 0 {
		t.Fatalf("rapport search: exit %d\n%s", code, stderr)
	}
	var res search.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 || len(res.Hits) == 0 || len(res.Hits) > 5 {
		t.Fatalf("search: %d hits of %d\n%s\n%s", len(res.Hits), res.Total, stderr, out)
	}
	for _, h := range res.Hits {
		marked := false
		for _, f := range h.Snippet {
			marked = marked || f.Hit && strings.ContainsAny(strings.ToLower(f.T), "付pP")
		}
		if !marked {
			t.Errorf("hit %s has no marked match: %+v", h.ID, h.Snippet)
		}
	}
	code, out, _ = run("search", "form:me")
	if code == 0 || !strings.Contains(out, `did you mean "from:"`) || !strings.Contains(out, "^^^^") {
		t.Fatalf("a bad query: exit %d\n%s", code, out)
	}
	// A link queued offline reaches Dynamics with the next sync, once.
	chat := w.Chats[0].ID
	incident := srv.Tenant().Rows("incidents")[0]["incidentid"].(string)
	linkedRows := func() int {
		n := 0
		for _, r := range srv.Tenant().Rows("chats") {
			if r["teamschatid"] == chat && r["_regardingobjectid_value"] == incident {
				n++
			}
		}
		return n
	}
	if code, _, stderr = run("link", chat, "incidents", incident); code != 0 {
		t.Fatalf("rapport link: exit %d\n%s", code, stderr)
	}
	outboxStates := func() string {
		code, out, stderr := run("outbox", "--json")
		if code != 0 {
			t.Fatalf("rapport outbox: exit %d\n%s", code, stderr)
		}
		var ops []storage.Op
		if err := json.Unmarshal([]byte(out), &ops); err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, op := range ops {
			s = append(s, op.Kind+":"+op.State)
		}
		return strings.Join(s, " ")
	}
	if got := outboxStates(); got != "link:pending" || linkedRows() != 0 {
		t.Fatalf("before sync: outbox %q, %d rows", got, linkedRows())
	}
	if code, _, stderr = run("sync"); code != 0 {
		t.Fatalf("sync with a queued link: exit %d\n%s", code, stderr)
	}
	if got := outboxStates(); got != "link:done" || linkedRows() != 1 {
		t.Fatalf("after sync: outbox %q, %d rows", got, linkedRows())
	}
	if code, _, stderr = run("unlink", chat, "incidents", incident); code != 0 {
		t.Fatalf("rapport unlink: exit %d\n%s", code, stderr)
	}
	if code, _, stderr = run("sync"); code != 0 || linkedRows() != 0 || outboxStates() != "link:done unlink:done" {
		t.Fatalf("unlink then sync: exit %d, %d rows, outbox %q\n%s", code, linkedRows(), outboxStates(), stderr)
	}
	if code, _, stderr = run("link", chat, "incidents", "00000000-0000-0000-0000-000000000000"); code == 0 || !strings.Contains(stderr, "not found") {
		t.Fatalf("linking an unknown record: exit %d\n%s", code, stderr)
	}
	// A sync that cannot succeed says why and exits non-zero.
	srv.Stop()
	code, _, stderr = run("sync")
	if code == 0 || !strings.Contains(stderr, "sync failed") {
		t.Fatalf("sync with the tenant down: exit %d\n%s", code, stderr)
	}
}

// TestSyncCommandRecoversSignIn: endpoints written as Microsoft writes
// them (an authority with its tenant, Graph with /v1.0, behind a gateway
// whose host is not Graph's resource identifier); then the tenant revokes
// the sign-in while a link waits: `rapport sync` signs in again by device
// code, the link lands once and nothing says "failed". A claims challenge
// needs no sign-in.
func TestSyncCommandRecoversSignIn(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 6, Size: tenantsim.Small})
	gw := simtest.StartGateway(t, srv, "/api-gw")
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	var pemOut bytes.Buffer
	pemOut.Write(srv.CAPEM())
	for _, c := range gatewayCerts(t, gw) {
		pemOut.Write(c)
	}
	if err := os.WriteFile(ca, pemOut.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	u := srv.URLs()
	flags := []string{"--data-dir", filepath.Join(dir, "data"), "--authority-url", u.Authority + "/" + u.Tenant,
		"--graph-url", gw.URL + "/graph/v1.0", "--dataverse-url", u.Dataverse + "/api/data/v9.2",
		"--client-id", u.ClientID, "--ca-file", ca, "--token-cache", "file"}
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Main(append(args, flags...), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run("sync"); code != 0 || !strings.Contains(out, "Sign in:") {
		t.Fatalf("first sync: exit %d\n%s", code, out)
	}
	if gw.Requests.Load() == 0 {
		t.Fatal("Graph was not reached through the configured --graph-url")
	}
	chat := srv.Tenant().World().Chats[0].ID
	incident := srv.Tenant().Rows("incidents")[0]["incidentid"].(string)
	if code, out := run("link", chat, "incidents", incident); code != 0 {
		t.Fatalf("link: exit %d\n%s", code, out)
	}
	srv.Tenant().RevokeSignIn("")
	code, out := run("sync")
	if code != 0 || !strings.Contains(out, "Sign in:") || strings.Contains(out, "sync failed") || strings.Contains(out, "failed=1") {
		t.Fatalf("sync after the sign-in was revoked: exit %d\n%s", code, out)
	}
	n := 0
	for _, r := range srv.Tenant().Rows("chats") {
		if r["teamschatid"] == chat && r["_regardingobjectid_value"] == incident {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the link reached Dynamics %d times", n)
	}
	srv.Tenant().ChallengeClaims("")
	if code, out := run("sync"); code != 0 || strings.Contains(out, "Sign in:") {
		t.Fatalf("sync after a claims challenge: exit %d\n%s", code, out)
	}
	// A tenant in the authority and another in --tenant: a clear error.
	if code, out := run("status", "--tenant", "fabrikam.example"); code != 2 || !strings.Contains(out, "names tenant") {
		t.Fatalf("two tenants: exit %d\n%s", code, out)
	}
}

// gatewayCerts returns the gateway's certificates as PEM.
func gatewayCerts(t *testing.T, gw *simtest.Gateway) [][]byte {
	t.Helper()
	resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: gw.Pool}}}).Get(gw.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var out [][]byte
	for _, c := range resp.TLS.PeerCertificates {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return out
}

// cliAgainst runs the rapport command line against a simulated tenant as
// a user would in a fresh shell: endpoints and CA from flags, a new data
// directory, tokens in a file. It returns the exit code, stdout and
// stderr.
func cliAgainst(t *testing.T, srv *tenantsim.Server) func(args ...string) (int, string, string) {
	t.Helper()
	ca, err := srv.WriteCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := srv.URLs()
	flags := []string{"--data-dir", filepath.Join(t.TempDir(), "data"), "--authority-url", u.Authority, "--graph-url", u.Graph, "--dataverse-url", u.Dataverse,
		"--tenant", u.Tenant, "--client-id", u.ClientID, "--ca-file", ca, "--token-cache", "file"}
	return func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(append(args, flags...), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
}
