package tenantsim_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	khttp "github.com/microsoft/kiota-http-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/chats"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

func TestMoreStatusFaults(t *testing.T) {
	for _, spec := range []string{"429none=1", "502=1", "504=1"} {
		t.Run(spec, func(t *testing.T) {
			srv := startTenant(t, tenantsim.Options{Seed: 1})
			g := newGraph(t, srv, signIn(t, srv).AccessToken, khttp.RetryHandlerOptions{MaxRetries: 1, DelaySeconds: 1})
			srv.SetFaults(spec)
			_, err := g.me().Get(ctx, nil)
			want := map[string]int{"429none=1": 429, "502=1": 502, "504=1": 504}[spec]
			if statusOf(err) != want {
				t.Fatalf("err %v: status %d, want %d", err, statusOf(err), want)
			}
		})
	}
}

func TestHangTimesOutTheClient(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	srv.SetFaults("hang=1")
	c, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, err := g.me().Get(c, nil)
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

// A write that is applied and then answered 503 leaves the client with an
// error although the change happened: Rapport must reconcile by reading.
func TestAppliedThen503(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	team := tn.World().Teams[0]
	inv := models.NewInvitation()
	inv.SetInvitedUserEmailAddress(ptr("zhou.min@hd-partner.cn"))
	inv.SetInviteRedirectUrl(ptr("https://teams.microsoft.com"))
	res, err := g.invitations().Post(ctx, inv, nil)
	if err != nil {
		t.Fatal(err)
	}
	outsider := struct{ ID string }{*res.GetInvitedUser().GetId()}
	srv.SetFaults("503after=1")
	m := models.NewAadUserConversationMember()
	m.SetRoles([]string{})
	m.SetAdditionalData(map[string]any{"user@odata.bind": g.base + "/users('" + outsider.ID + "')"})
	_, err = g.teams().ByTeamId(team.ID).Members().Post(ctx, m, nil)
	if statusOf(err) != 503 {
		t.Fatalf("err = %v, want 503", err)
	}
	srv.SetFaults("")
	list, err := g.teams().ByTeamId(team.ID).Members().Get(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, x := range list.GetValue() {
		if *x.(models.AadUserConversationMemberable).GetUserId() == outsider.ID {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("member present %d times after applied-then-503, want 1", found)
	}
}

// pageAll lists every message of a chat through the SDK's PageIterator.
func pageAll(t *testing.T, g *graphClient, chatID string) []string {
	t.Helper()
	res, err := g.chats().ByChatId(chatID).Messages().Get(ctx, &chats.ItemMessagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &chats.ItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(20))}})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := msgraphcore.NewPageIterator[models.ChatMessageable](res, g.adapter, models.CreateChatMessageCollectionResponseFromDiscriminatorValue)
	var ids []string
	if err := it.Iterate(ctx, func(m models.ChatMessageable) bool { ids = append(ids, *m.GetId()); return true }); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestPagingFaults(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 8})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	chat := tn.World().Chats[0]
	for _, c := range tn.World().Chats {
		if c.Count > chat.Count {
			chat = c
		}
	}
	truth, _ := tn.Messages(chat.ID)
	var want []string
	for _, m := range truth {
		want = append(want, m.ID)
	}
	sort.Strings(want)

	srv.SetFaults("emptypage=0.4,seed=2")
	got := pageAll(t, g, chat.ID)
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Fatalf("with empty pages: %d ids, want %d", len(got), len(want))
	}
	if srv.FaultHits()["emptypage"] == 0 {
		t.Fatal("no empty page was served")
	}

	srv.SetFaults("duplicates=0.5,seed=4")
	got = pageAll(t, g, chat.ID)
	if len(got) <= len(want) {
		t.Fatalf("duplicates fault: %d items, want more than %d", len(got), len(want))
	}
	got = slices.Compact(sortedCopy(got))
	if !slices.Equal(got, want) {
		t.Fatalf("with duplicates: %d distinct ids, want %d", len(got), len(want))
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

func TestExpireFault(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 5})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	team := srv.Tenant().World().Teams[0]
	ch := team.Channels[1]
	_, _, link := deltaRound(t, g, team.ID, ch.ID, "")
	srv.SetFaults("expire=1")
	_, err := g.teams().ByTeamId(team.ID).Channels().ByChannelId(ch.ID).Messages().Delta().WithUrl(link).GetAsDeltaGetResponse(ctx, nil)
	if statusOf(err) != 410 {
		t.Fatalf("err = %v, want 410", err)
	}
	// A fresh round works again.
	srv.SetFaults("")
	if ids, _, _ := deltaRound(t, g, team.ID, ch.ID, ""); len(ids) == 0 {
		t.Fatal("fresh round after expiry returned nothing")
	}
}

func TestCheckFaults(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr bool
	}{
		{"", false},
		{"429=0.1,503after=0.02,seed=7", false},
		{"all=0.01", false},
		{"reset", false},
		{"teapot=0.1", true},
		{"429=2", true},
		{"seed=x", true},
	}
	for _, tt := range tests {
		err := tenantsim.CheckFaults(tt.spec)
		if (err != nil) != tt.wantErr {
			t.Errorf("CheckFaults(%q) = %v, wantErr %v", tt.spec, err, tt.wantErr)
		}
	}
}

// With Graph's published limits on, a burst on one chat is held to one
// request a second; the SDK's retry handler waits out Retry-After.
func TestPublishedLimits(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 1, Limits: true})
	g := newGraph(t, srv, signIn(t, srv).AccessToken, khttp.RetryHandlerOptions{MaxRetries: 5, DelaySeconds: 1})
	chat := srv.Tenant().World().Chats[0]
	start := time.Now()
	for i := 0; i < 3; i++ {
		if _, err := g.chats().ByChatId(chat.ID).Messages().Get(ctx, nil); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if srv.Throttled() < 2 {
		t.Fatalf("throttled %d times, want ≥ 2 for 3 requests on one chat", srv.Throttled())
	}
	if time.Since(start) < 2*time.Second {
		t.Fatalf("3 requests on one chat took %v: the per-chat limit of 1 rps was not applied", time.Since(start))
	}
}
