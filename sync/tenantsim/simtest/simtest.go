// Package simtest starts simulated tenants for tests of the packages that
// talk to one (auth, dataverse, engine, app).
package simtest

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// End is the end of generated history in tests, fixed so worlds repeat.
var End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Start starts a tenant on a loopback port and stops it when the test
// ends. A zero opts.End becomes End. Its only client is the test in the
// same process: sign-ins are approved without asking (AutoApprove), as in
// the demo; tests of the approval itself set the device flow.
func Start(tb testing.TB, opts tenantsim.Options) *tenantsim.Server {
	tb.Helper()
	if opts.End.IsZero() {
		opts.End = End
	}
	opts.AutoApprove = true
	srv, err := tenantsim.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Stop() })
	return srv
}

var (
	formActionRE = regexp.MustCompile(`action="([^"]+)"`)
	hiddenRE     = regexp.MustCompile(`name="([a-z_]+)" value="([^"]*)"`)
)

// Browser returns an "open URL" function that acts as the user's browser
// in an interactive sign-in: it loads the tenant's authorize page and
// posts its form to the app's localhost redirect, as the page's script
// would. Failures are reported on tb.
func Browser(tb testing.TB, srv *tenantsim.Server) func(url string) error {
	hc := srv.HTTPClient()
	return func(signInURL string) error {
		go func() {
			resp, err := hc.Get(signInURL)
			if err != nil {
				tb.Error(err)
				return
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			action := formActionRE.FindSubmatch(page)
			if action == nil {
				tb.Errorf("the sign-in page has no form: %s", page)
				return
			}
			form := url.Values{}
			for _, m := range hiddenRE.FindAllSubmatch(page, -1) {
				form.Set(string(m[1]), string(m[2]))
			}
			if r, err := http.PostForm(string(action[1]), form); err == nil {
				r.Body.Close()
			}
		}()
		return nil
	}
}
