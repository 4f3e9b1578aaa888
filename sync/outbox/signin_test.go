package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestPushWaitsForSignIn: a link queued while the tenant has revoked the
// user's sign-in stays pending ("waiting for sign-in"), never failed, and
// lands once after the user signs in again.
func TestPushWaitsForSignIn(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small}, engine.Options{})
	before := len(links(r.Srv))
	chat := r.Srv.Tenant().World().Chats[0].ID
	inc := r.Srv.Tenant().Rows("incidents")[0]["incidentid"].(string)
	c := &clock{t: time.Now()}
	if _, err := r.DB.SetLink(ctx, chat, "incidents", inc, true, "me", "", c.now()); err != nil {
		t.Fatal(err)
	}
	r.Srv.Tenant().RevokeSignIn("")
	for i := 0; i < 2; i++ {
		res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		if !errors.Is(err, auth.ErrSignInRequired) {
			t.Fatalf("push with the sign-in revoked: err = %v, want ErrSignInRequired", err)
		}
		if res.Failed != 0 || res.Waiting != 1 {
			t.Fatalf("push with the sign-in revoked: %+v", res)
		}
		ops, err := r.DB.Outbox(ctx)
		must(t, err)
		if len(ops) != 1 || ops[0].State != storage.OpPending || ops[0].Error != "waiting for sign-in" {
			t.Fatalf("operation: %+v", ops)
		}
	}
	cx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	must(t, r.Sess.SignInDeviceCode(cx, auth.GraphScopes(r.Srv.URLs().GraphResource), func(auth.DeviceCode) {}))
	res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if res.Done != 1 {
		t.Fatalf("push after signing in: %+v", res)
	}
	if got := len(links(r.Srv)); got != before+1 {
		t.Fatalf("tenant has %d links, want %d", got, before+1)
	}
}
