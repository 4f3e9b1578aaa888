package tenantsim_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestLongThreadRepliesArePaged: $expand=replies inlines the newest 1,000
// replies of a thread (the first page of its /replies listing) with
// replies@odata.count and, when more exist, an absolute
// replies@odata.nextLink that the SDK follows to the rest; /replies pages
// newest first, 50 at most.
func TestLongThreadRepliesArePaged(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 9, Size: tenantsim.Small})
	g := newGraph(t, srv, signIn(t, srv).AccessToken)
	tn := srv.Tenant()
	w := tn.World()
	team := w.Teams[0]
	ch := team.Channels[1]
	root, err := tn.Post(ch.ID, "", w.Me.ID, "<p>长线程：设备巡检记录</p>")
	if err != nil {
		t.Fatal(err)
	}
	added, err := tn.AddReplies(ch.ID, root.ID, 1050)
	if err != nil || len(added) != 1050 {
		t.Fatalf("AddReplies: %d, %v", len(added), err)
	}
	var want []string // newest first
	for i := len(added) - 1; i >= 0; i-- {
		want = append(want, added[i].ID)
	}
	msgs := g.teams().ByTeamId(team.ID).Channels().ByChannelId(ch.ID).Messages()
	since := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)

	// The root, as each expanding listing returns it.
	for _, tc := range []struct {
		name string
		get  func() (models.ChatMessageable, error)
	}{
		{"messages", func() (models.ChatMessageable, error) {
			res, err := msgs.Get(ctx, &teams.ItemChannelsItemMessagesRequestBuilderGetRequestConfiguration{
				QueryParameters: &teams.ItemChannelsItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(1)), Expand: []string{"replies"}}})
			if err != nil || len(res.GetValue()) != 1 {
				return nil, err
			}
			return res.GetValue()[0], nil
		}},
		{"delta", func() (models.ChatMessageable, error) {
			res, err := msgs.Delta().GetAsDeltaGetResponse(ctx, &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetRequestConfiguration{
				QueryParameters: &teams.ItemChannelsItemMessagesDeltaRequestBuilderGetQueryParameters{
					Top: ptr(int32(50)), Expand: []string{"replies"}, Filter: ptr("lastModifiedDateTime gt " + since)}})
			if err != nil || len(res.GetValue()) != 1 {
				return nil, err
			}
			return res.GetValue()[0], nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.get()
			if err != nil || m == nil || *m.GetId() != root.ID {
				t.Fatalf("root: %v", err)
			}
			if got := idsOf(m.GetReplies()); !slices.Equal(got, want[:1000]) {
				t.Fatalf("inline replies: %d, first %v; want the newest 1,000", len(got), got[:min(len(got), 2)])
			}
			ad := m.GetAdditionalData()
			// kiota's JSON parse node keeps unknown numbers as *float64.
			if c, ok := ad["replies@odata.count"].(*float64); !ok || *c != 1000 {
				t.Fatalf("replies@odata.count = %v (%T), want 1000", ad["replies@odata.count"], ad["replies@odata.count"])
			}
			link, ok := ad["replies@odata.nextLink"].(*string)
			if !ok || !strings.HasPrefix(*link, g.base+"/teams/"+team.ID+"/channels/") || !strings.Contains(*link, "/messages/"+root.ID+"/replies?") {
				t.Fatalf("replies@odata.nextLink = %v", ad["replies@odata.nextLink"])
			}
			rest, err := teams.NewItemChannelsItemMessagesItemRepliesRequestBuilder(*link, g.adapter).Get(ctx, nil)
			if err != nil {
				t.Fatalf("following replies@odata.nextLink: %v", err)
			}
			if got := idsOf(rest.GetValue()); !slices.Equal(got, want[1000:]) || rest.GetOdataNextLink() != nil {
				t.Fatalf("the rest: %d replies, next %v; want the oldest 50 and no link", len(got), rest.GetOdataNextLink())
			}
		})
	}

	// /replies on its own: 50 a page, newest first, @odata.count per page.
	res, err := msgs.ByChatMessageId(root.ID).Replies().Get(ctx, &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetRequestConfiguration{
		QueryParameters: &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetQueryParameters{Top: ptr(int32(50))}})
	var got []string
	pages := 0
	for err == nil {
		pages++
		if c := res.GetOdataCount(); c == nil || int(*c) != len(res.GetValue()) {
			t.Fatalf("page %d: @odata.count %v for %d replies", pages, c, len(res.GetValue()))
		}
		got = append(got, idsOf(res.GetValue())...)
		if res.GetOdataNextLink() == nil {
			break
		}
		res, err = teams.NewItemChannelsItemMessagesItemRepliesRequestBuilder(*res.GetOdataNextLink(), g.adapter).Get(ctx, nil)
	}
	if err != nil || pages != 21 || !slices.Equal(got, want) {
		t.Fatalf("/replies: %d replies in %d pages, %v; want 1,050 newest first in 21", len(got), pages, err)
	}
	_, err = msgs.ByChatMessageId(root.ID).Replies().Get(ctx, &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetRequestConfiguration{
		QueryParameters: &teams.ItemChannelsItemMessagesItemRepliesRequestBuilderGetQueryParameters{Top: ptr(int32(51))}})
	if statusOf(err) != 400 {
		t.Fatalf("/replies $top=51: %v, want 400", err)
	}

	// A short thread is inlined whole: a count and no link.
	small, err := tn.Post(ch.ID, "", w.Me.ID, "<p>短线程</p>")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddReplies(ch.ID, small.ID, 3); err != nil {
		t.Fatal(err)
	}
	lr, err := msgs.Get(ctx, &teams.ItemChannelsItemMessagesRequestBuilderGetRequestConfiguration{
		QueryParameters: &teams.ItemChannelsItemMessagesRequestBuilderGetQueryParameters{Top: ptr(int32(1)), Expand: []string{"replies"}}})
	if err != nil || len(lr.GetValue()) != 1 || *lr.GetValue()[0].GetId() != small.ID {
		t.Fatalf("short thread: %v", err)
	}
	m := lr.GetValue()[0]
	if c, ok := m.GetAdditionalData()["replies@odata.count"].(*float64); !ok || *c != 3 || len(m.GetReplies()) != 3 {
		t.Fatalf("short thread: %d replies, count %v", len(m.GetReplies()), m.GetAdditionalData()["replies@odata.count"])
	}
	if l, ok := m.GetAdditionalData()["replies@odata.nextLink"]; ok {
		t.Fatalf("short thread has replies@odata.nextLink %v", l)
	}
}

func idsOf[M interface{ GetId() *string }](ms []M) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, *m.GetId())
	}
	return out
}
