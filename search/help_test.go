package search_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestHelpExamples runs every example of the search syntax help (the
// UI's list, frontend/src/search/help.json: one definition for both) on
// the demo's data (the simulated tenant `rapport demo` starts: seed 1)
// and expects each form to find something and to name nobody unknown.
func TestHelpExamples(t *testing.T) {
	b, err := os.ReadFile("../frontend/src/search/help.json")
	if err != nil {
		t.Fatal(err)
	}
	var help []struct{ Example, Key string }
	if err := json.Unmarshal(b, &help); err != nil || len(help) < 10 {
		t.Fatalf("help.json: %d examples, %v", len(help), err)
	}
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 1, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	for _, h := range help {
		for _, form := range strings.Split(h.Example, "  ") { // "tag:付款  #付款": two ways to write it
			t.Run(form, func(t *testing.T) {
				res, err := ix.Search(ctx, search.Request{Q: form, Size: 5})
				if err != nil {
					t.Fatal(err)
				}
				if res.QueryError != nil || len(res.Notes) > 0 || res.Total == 0 {
					t.Errorf("%s (%s): %d hits, error %+v, notes %+v", form, h.Key, res.Total, res.QueryError, res.Notes)
				}
			})
		}
	}
}

// TestUnknownNameSuggests: an operator naming nobody says so and offers
// the closest names.
func TestUnknownNameSuggests(t *testing.T) {
	ctx := context.Background()
	r := enginetest.Synced(t, tenantsim.Options{Seed: 1, Size: tenantsim.Small})
	ix, err := search.Open(ctx, t.TempDir(), r.DB, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	users, err := r.DB.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	for _, u := range users {
		if w := strings.Fields(u.DisplayName); len(w) >= 2 && len(w[len(w)-1]) >= 5 && w[len(w)-1][0] >= 'A' && w[len(w)-1][0] <= 'Z' {
			name = w[len(w)-1]
			break
		}
	}
	if name == "" {
		t.Fatal("no Latin surname of 5 letters or more in the demo's directory")
	}
	typo := name[:len(name)-1] + "x" // one letter off
	res, err := ix.Search(ctx, search.Request{Q: "from:" + typo, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 || len(res.Notes) != 1 || res.Notes[0].Op != "from" || res.Notes[0].Value != typo {
		t.Fatalf("from:%s: %d hits, notes %+v", typo, res.Total, res.Notes)
	}
	found := false
	for _, s := range res.Notes[0].Suggest {
		found = found || strings.Contains(s, name)
	}
	if !found {
		t.Errorf("from:%s suggests %v, not a name with %s", typo, res.Notes[0].Suggest, name)
	}

	// A pinyin surname (the from:xu) finds the people whose
	// address spells it; a misspelt record type or title, the type or the
	// record.
	pinyin := map[string][]string{} // surname in the address → display names
	for _, u := range users {
		local, _, _ := strings.Cut(strings.ToLower(u.Mail), "@")
		if w := strings.Split(local, "."); len(w) == 2 && u.DisplayName != "" && []rune(u.DisplayName)[0] > 0x2E80 {
			pinyin[w[1]] = append(pinyin[w[1]], u.DisplayName)
		}
	}
	if len(pinyin["xu"]) == 0 {
		t.Fatal("no one named Xu in the demo's directory")
	}
	tests := []struct {
		q    string
		want []string // each suggestion is one of these
	}{
		{"from:xu", pinyin["xu"]},
		{"to:zhao", pinyin["zhao"]},
		{"record:incidentz", []string{"incidents"}},
		{"record:acount", []string{"accounts"}},
	}
	for _, tt := range tests {
		res, err := ix.Search(ctx, search.Request{Q: tt.q, Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 || len(res.Notes) != 1 || len(res.Notes[0].Suggest) == 0 {
			t.Errorf("%s: %d hits, notes %+v", tt.q, res.Total, res.Notes)
			continue
		}
		for _, s := range res.Notes[0].Suggest {
			if !slices.Contains(tt.want, s) {
				t.Errorf("%s suggests %q, not one of %v", tt.q, s, tt.want)
			}
		}
	}
}
