package tenantsim_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// BenchmarkServeMessagePages measures how fast the tenant serves pages of
// 50 chat messages (JSON over loopback TLS, keep-alive) from the large
// preset (≥ 1,000,000 messages), walking the busiest chat's pages.
func BenchmarkServeMessagePages(b *testing.B) {
	start := time.Now()
	srv := startTenant(b, tenantsim.Options{Seed: 1, Size: tenantsim.Large})
	w := srv.Tenant().World()
	b.Logf("large preset: %d messages in %d chats and %d teams, ready in %v", w.Messages, len(w.Chats), len(w.Teams), time.Since(start).Round(time.Millisecond))
	tok := signIn(b, srv).AccessToken
	busiest := w.Chats[0]
	for _, c := range w.Chats {
		if c.Count > busiest.Count {
			busiest = c
		}
	}
	hc := httpClient(srv)
	first := srv.URLs().Graph + "/v1.0/chats/" + busiest.ID + "/messages?$top=50"
	next := first
	get := func(u string) string {
		req, _ := http.NewRequest("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			body, _ := io.ReadAll(resp.Body)
			b.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var page struct {
			Next string `json:"@odata.nextLink"`
		}
		decodeJSON(b, resp.Body, &page)
		return page.Next
	}
	b.ResetTimer()
	for b.Loop() {
		if next = get(next); next == "" {
			next = first
		}
	}
	b.ReportMetric(float64(b.N*50)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(busiest.Count), "chat-msgs")
	_ = fmt.Sprint
}
