package graph

import (
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// TestToMsgMarksThreadsWithMoreReplies: a root whose replies Graph did not
// all inline is marked, from replies@odata.nextLink or, without a link,
// from a replies@odata.count above the inlined replies. The annotations
// arrive as kiota's JSON parse node leaves them in AdditionalData.
func TestToMsgMarksThreadsWithMoreReplies(t *testing.T) {
	link := "https://graph.example/v1.0/teams/t/channels/c/messages/1/replies?$skiptoken=x"
	tests := []struct {
		name     string
		ad       map[string]any
		inline   int
		wantMore bool
		wantLink string
	}{
		{"link", map[string]any{"replies@odata.count": ptr(1000.0), "replies@odata.nextLink": &link}, 2, true, link},
		{"count above inlined", map[string]any{"replies@odata.count": ptr(1200.0)}, 2, true, ""},
		{"count as int64", map[string]any{"replies@odata.count": ptr(int64(3))}, 2, true, ""},
		{"whole thread", map[string]any{"replies@odata.count": ptr(2.0)}, 2, false, ""},
		{"no annotations", nil, 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := models.NewChatMessage()
			m.SetId(ptr("1"))
			var rs []models.ChatMessageable
			for range tt.inline {
				r := models.NewChatMessage()
				r.SetId(ptr("2"))
				r.SetReplyToId(ptr("1"))
				rs = append(rs, r)
			}
			m.SetReplies(rs)
			m.SetAdditionalData(tt.ad)
			out := toMsg("c", "t", m)
			if len(out) != 1+tt.inline || out[0].MoreReplies != tt.wantMore || out[0].RepliesLink != tt.wantLink {
				t.Fatalf("got %d msgs, more %v link %q; want %d, %v %q", len(out), out[0].MoreReplies, out[0].RepliesLink, 1+tt.inline, tt.wantMore, tt.wantLink)
			}
			for _, r := range out[1:] {
				if r.MoreReplies {
					t.Fatal("a reply is marked")
				}
			}
		})
	}
}
