package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// The tenant refuses a cached access token before it expires in three
// ways; each must end either in a finished round or in one clear
// "sign in again", never in a round of identical 401s.
func TestRefusedTokens(t *testing.T) {
	tests := []struct {
		name   string
		refuse func(tn *tenantsim.Tenant)
		signIn bool // the round must ask the user to sign in
	}{
		// Server-side invalidation MSAL cannot see: one renewal cures it.
		{"access tokens invalidated", func(tn *tenantsim.Tenant) { tn.ExpireTokens() }, false},
		// Continuous Access Evaluation: a claims challenge, renewed with the claims.
		{"claims challenge", func(tn *tenantsim.Tenant) { tn.ChallengeClaims("") }, false},
		// Password reset / "sign out of all sessions": the refresh token is refused too.
		{"sign-in revoked", func(tn *tenantsim.Tenant) { tn.RevokeSignIn("") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tenantsim.Options{Seed: 11, Size: tenantsim.Small}, engine.Options{})
			if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
				t.Fatalf("first round: %v", err)
			}
			tn := r.Srv.Tenant()
			tt.refuse(tn)
			conv := tn.Conversations()[0]
			if _, err := tn.Post(conv, "", tn.World().Customers[0].Contacts[0].ID, "<p>after the refusal</p>"); err != nil {
				t.Fatal(err)
			}
			p, err := r.Eng.Run(ctx, engine.RoundOptions{})
			if !tt.signIn {
				if err != nil {
					t.Fatalf("round after the refusal: %v (errors %d)", err, p.Errors)
				}
				converged(t, r)
				return
			}
			if !errors.Is(err, auth.ErrSignInRequired) {
				t.Fatalf("round after revocation: err = %v, want ErrSignInRequired", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "signed you out") || !strings.Contains(msg, "AADSTS50173") || strings.Contains(msg, "\n") {
				t.Fatalf("message %q: want one line saying the tenant signed the user out", msg)
			}
			// Signing in again lets the next round go on from where it stopped.
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := r.Sess.SignInDeviceCode(c, auth.GraphScopes(r.Srv.URLs().GraphResource), func(auth.DeviceCode) {}); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Eng.Run(ctx, engine.RoundOptions{}); err != nil {
				t.Fatalf("round after signing in again: %v", err)
			}
			converged(t, r)
		})
	}
}
