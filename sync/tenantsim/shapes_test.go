package tenantsim_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

var update = flag.Bool("update", false, "rewrite testdata/shapes/*.golden")

// shape flattens a JSON document into sorted "path: type" lines: the
// field names, nesting and JSON types of a response, without its values.
// Arrays merge the shapes of their elements under "path[]".
func shape(v any) string {
	set := map[string]bool{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			set[path+": object"] = true
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			set[path+": array"] = true
			for _, e := range x {
				walk(path+"[]", e)
			}
		case string:
			set[path+": string"] = true
		case float64:
			set[path+": number"] = true
		case bool:
			set[path+": bool"] = true
		case nil:
			set[path+": null"] = true
		}
	}
	walk("$", v)
	var lines []string
	for l := range set {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

var timestampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)

// checkValues asserts value rules the guide states: links are absolute
// and point back at the tenant; *DateTime fields are RFC 3339 with a T.
func checkValues(t *testing.T, srv *tenantsim.Server, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			s, isStr := e.(string)
			switch {
			case isStr && (strings.HasSuffix(k, "@odata.nextLink") || k == "@odata.deltaLink"):
				if !strings.HasPrefix(s, "https://"+srv.Addr()+"/") {
					t.Errorf("%s.%s = %q: not an absolute link to the tenant", path, k, s)
				}
			case isStr && strings.HasSuffix(k, "DateTime") && s != "":
				if !timestampRE.MatchString(s) {
					t.Errorf("%s.%s = %q: not RFC 3339", path, k, s)
				}
			}
			checkValues(t, srv, path+"."+k, e)
		}
	case []any:
		for _, e := range x {
			checkValues(t, srv, path+"[]", e)
		}
	}
}

func TestWireShapes(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 11})
	w := srv.Tenant().World()
	graphTok := signIn(t, srv).AccessToken
	dvTok := signIn(t, srv, srv.URLs().Dataverse+"/.default").AccessToken
	g, dv := srv.URLs().Graph+"/v1.0", srv.URLs().Dataverse+"/api/data/v9.2"
	team := w.Teams[0]
	var channel *tenantsim.Channel
	for _, c := range team.Channels {
		if channel == nil || c.Roots > channel.Roots {
			channel = c
		}
	}
	// A thread past the 1,000 replies $expand=replies inlines.
	long := w.Teams[1].Channels[1]
	longRoot, err := srv.Tenant().Post(long.ID, "", w.Me.ID, "<p>长线程</p>")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Tenant().AddReplies(long.ID, longRoot.ID, 1001); err != nil {
		t.Fatal(err)
	}
	longMsgs := g + "/teams/" + w.Teams[1].ID + "/channels/" + long.ID + "/messages"
	// A card post of each kind the tenant makes, read one by one.
	cardPosts := map[string]string{}
	for _, tm := range w.Teams {
		for _, ch := range tm.Channels {
			ms, _ := srv.Tenant().Messages(ch.ID)
			for _, m := range ms {
				if m.App != nil && m.Deleted == nil && cardPosts[m.Attachments[0].Card] == "" {
					cardPosts[m.Attachments[0].Card] = g + "/teams/" + tm.ID + "/channels/" + ch.ID + "/messages/" + m.ID
				}
			}
		}
	}
	if len(cardPosts) != 2 {
		t.Fatalf("card posts found: %v, want an adaptive and a connector card", cardPosts)
	}
	tests := []struct {
		name, method, url, token string
		headers                  map[string]string
		status                   int
		wantHeaders              map[string]string
	}{
		{"me", "GET", g + "/me", graphTok, nil, 200, nil},
		{"chats-expanded", "GET", g + "/me/chats?$expand=members,lastMessagePreview&$top=3", graphTok, nil, 200, nil},
		{"chat-messages", "GET", g + "/chats/" + w.Chats[len(w.Chats)-4].ID + "/messages?$top=50", graphTok, map[string]string{"Prefer": "include-unknown-enum-members"}, 200, nil},
		{"channel-delta", "GET", g + "/teams/" + team.ID + "/channels/" + channel.ID + "/messages/delta()?$top=20&$expand=replies", graphTok, nil, 200, nil},
		{"channel-messages-long-thread", "GET", longMsgs + "?$top=1&$expand=replies", graphTok, nil, 200, nil},
		{"channel-replies", "GET", longMsgs + "/" + longRoot.ID + "/replies?$top=50", graphTok, nil, 200, nil},
		{"card-adaptive", "GET", cardPosts[tenantsim.CardAdaptive], graphTok, nil, 200, nil},
		{"card-connector", "GET", cardPosts[tenantsim.CardConnector], graphTok, nil, 200, nil},
		{"team", "GET", g + "/teams/" + team.ID, graphTok, nil, 200, nil},
		{"team-members", "GET", g + "/teams/" + team.ID + "/members", graphTok, nil, 200, nil},
		{"guests", "GET", g + "/users?$filter=userType%20eq%20'Guest'&$select=id,displayName,mail,userType,externalUserState,createdDateTime,signInActivity&$top=5", graphTok, nil, 200, nil},
		{"error-404", "GET", g + "/chats/19:nope@thread.v2", graphTok, nil, 404, map[string]string{"Content-Type": "application/json; charset=utf-8"}},
		{"error-401", "GET", g + "/me", "", nil, 401, map[string]string{"Content-Type": "application/json; charset=utf-8"}},
		{"error-top", "GET", g + "/me/chats?$top=51", graphTok, nil, 400, nil},
		{"dv-incidents", "GET", dv + "/incidents?$select=title,ticketnumber,prioritycode,statecode,statuscode,_customerid_value,modifiedon", dvTok,
			map[string]string{"Prefer": "odata.maxpagesize=3"}, 200, map[string]string{"Preference-Applied": "odata.maxpagesize=3", "OData-Version": "4.0"}},
		{"dv-accounts-tracked", "GET", dv + "/accounts?$select=name,accountnumber", dvTok, map[string]string{"Prefer": "odata.track-changes"}, 200, map[string]string{"Preference-Applied": "odata.track-changes"}},
		{"dv-whoami", "GET", dv + "/WhoAmI", dvTok, nil, 200, nil},
		{"dv-error-404", "GET", dv + "/incidents(00000000-0000-4000-8000-000000000000)", dvTok, nil, 404, nil},
	}
	hc := httpClient(srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, tt.url, nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			for k, v := range tt.wantHeaders {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			var doc any
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatalf("not JSON: %v: %s", err, body)
			}
			checkValues(t, srv, "$", doc)
			got := shape(doc)
			path := filepath.Join("testdata", "shapes", tt.name+".golden")
			if *update {
				os.WriteFile(path, []byte(got), 0o644)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestWireShapes -update and review the file)", err)
			}
			if got != string(want) {
				t.Errorf("shape of %s changed:\n%s", tt.name, diffLines(string(want), got))
			}
		})
	}
}

func diffLines(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var b strings.Builder
	for l := range w {
		if !g[l] {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for l := range g {
		if !w[l] {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

func decodeJSON(tb testing.TB, r io.Reader, v any) {
	tb.Helper()
	if err := json.NewDecoder(r).Decode(v); err != nil {
		tb.Fatalf("decode: %v", err)
	}
}
