package dataverse_test

import (
	"context"
	"crypto/tls"
	"errors"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

func client(t *testing.T, srv *tenantsim.Server) *dataverse.Client {
	t.Helper()
	u := srv.URLs()
	app, err := public.New(u.ClientID, public.WithAuthority(u.Authority+"/"+u.Tenant), public.WithInstanceDiscovery(false),
		public.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dc, err := app.AcquireTokenByDeviceCode(ctx, []string{u.Dataverse + "/user_impersonation"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := dataverse.New(u.Dataverse, &tls.Config{RootCAs: srv.CertPool()}, auth.Static(res.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChangesRetriesThrottlingAndTracks(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 3, Faults: "429=0.5,seed=4"})
	c := client(t, srv)
	ctx := context.Background()
	var rows int
	var delta string
	err := c.Changes(ctx, "contacts", []string{"fullname", "emailaddress1"}, "", func(p dataverse.Page) error {
		rows += len(p.Rows)
		delta = p.Delta
		return nil
	})
	if err != nil {
		t.Fatalf("changes through 429s: %v", err)
	}
	if rows != len(srv.Tenant().Rows("contacts")) || delta == "" || srv.FaultHits()["429"] == 0 {
		t.Fatalf("rows %d (want %d), delta %q, 429s %d", rows, len(srv.Tenant().Rows("contacts")), delta, srv.FaultHits()["429"])
	}
	srv.SetFaults("")
	gone := srv.Tenant().Rows("contacts")[0]["contactid"].(string)
	srv.Tenant().DeleteRow("contacts", gone)
	var deleted []string
	if err := c.Changes(ctx, "contacts", nil, delta, func(p dataverse.Page) error { deleted = append(deleted, p.Deleted...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(deleted) != 1 || deleted[0] != gone {
		t.Fatalf("deleted %v, want [%s]", deleted, gone)
	}
	// A token the server no longer accepts is ErrExpired.
	err = c.Changes(ctx, "contacts", nil, srv.URLs().Dataverse+"/api/data/v9.2/contacts?$deltatoken=garbage", func(dataverse.Page) error { return nil })
	if !errors.Is(err, dataverse.ErrExpired) {
		t.Fatalf("bad token: %v, want ErrExpired", err)
	}
}

// TestWhoAmI: the organisation answers who the signed-in user is.
func TestWhoAmI(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 3, Size: tenantsim.Small})
	w, err := client(t, srv).WhoAmI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	me := srv.Tenant().World().Me.ID
	if w.UserID == "" || w.UserID != srv.Tenant().World().SystemUserID(me) || w.OrganizationID == "" {
		t.Fatalf("WhoAmI %+v", w)
	}
}
