package tenantsim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/storage/storagetest"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/graph"
	"github.com/rapport-app/rapport/sync/quickxor"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// filesRig is a tenant and Rapport's own Graph and Dataverse clients,
// with 320 KiB upload-session fragments.
func filesRig(t *testing.T) *enginetest.Rig {
	srv := simtest.Start(t, tenantsim.Options{Seed: 5, Size: tenantsim.Small})
	return enginetest.ConnectGraph(t, srv, storagetest.Open(t), engine.Options{}, graph.Options{MaxRetries: 3, UploadFragment: 320 << 10})
}

// channels returns a channel whose Files tab was opened and one whose
// was not, both in teams Me belongs to.
func filesChannels(t *testing.T, tn *tenantsim.Tenant) (open, closed *tenantsim.Channel) {
	for _, tm := range tn.World().Teams {
		for _, ch := range tm.Channels {
			if ch.MembershipType != "standard" {
				continue
			}
			p, err := tn.FilesProvisioned(ch.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p && open == nil {
				open = ch
			}
			if !p && closed == nil {
				closed = ch
			}
		}
	}
	if open == nil || closed == nil {
		t.Fatal("the world needs a channel with Files and one without")
	}
	return open, closed
}

func status(err error) int {
	var e *graph.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

func code(err error) string {
	var e *graph.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// TestChannelFiles: filesFolder is 404 until the Files tab is opened;
// a simple upload with conflictBehavior fail creates (201) once and then
// answers 409 nameAlreadyExists; a replace under a stale eTag answers
// 412 and under the current one makes a new version; a child read by
// path gives the file's eTag, size and QuickXorHash.
func TestChannelFiles(t *testing.T) {
	r := filesRig(t)
	tn := r.Srv.Tenant()
	ctx := context.Background()
	open, closed := filesChannels(t, tn)

	_, err := r.G.FilesFolder(ctx, closed.TeamID, closed.ID)
	if status(err) != 404 || !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("filesFolder of a channel whose Files tab was never opened: %v, want 404", err)
	}
	if err := tn.OpenFilesTab(closed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.G.FilesFolder(ctx, closed.TeamID, closed.ID); err != nil {
		t.Fatalf("filesFolder after the Files tab was opened: %v", err)
	}

	folder, err := r.G.FilesFolder(ctx, open.TeamID, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if folder.DriveID == "" || folder.ID == "" || folder.Name != open.DisplayName {
		t.Fatalf("folder: %+v", folder)
	}
	data := []byte("# 2026-W48\n\n付款 question answered\n")
	first, err := r.G.Upload(ctx, folder.DriveID, folder.ID, "digest.md", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if first.Name != "digest.md" || first.Size != int64(len(data)) || first.ETag == "" || first.CTag == "" || first.QuickXor != quickxor.Of(data) || first.DriveID != folder.DriveID {
		t.Fatalf("uploaded item: %+v", first)
	}
	for _, tt := range []struct {
		name    string
		data    []byte
		ifMatch string
		status  int
		code    string
	}{
		{"again with conflictBehavior fail", data, "", 409, "nameAlreadyExists"},
		{"replace under a stale eTag", []byte("v2"), `"{00000000-0000-0000-0000-000000000000},1"`, 412, "resourceModified"},
	} {
		_, err := r.G.Upload(ctx, folder.DriveID, folder.ID, "digest.md", tt.data, tt.ifMatch)
		if status(err) != tt.status || code(err) != tt.code {
			t.Errorf("%s: %v, want %d %s", tt.name, err, tt.status, tt.code)
		}
	}
	second, err := r.G.Upload(ctx, folder.DriveID, folder.ID, "digest.md", []byte("v2"), first.ETag)
	if err != nil {
		t.Fatalf("replace under the current eTag: %v", err)
	}
	if second.ID != first.ID || second.ETag == first.ETag || second.Size != 2 {
		t.Fatalf("replaced item: %+v (was %+v)", second, first)
	}
	got, err := r.G.Child(ctx, folder.DriveID, folder.ID, "digest.md")
	if err != nil || got.ETag != second.ETag || got.QuickXor != quickxor.Of([]byte("v2")) {
		t.Fatalf("read back: %+v, %v", got, err)
	}
	if _, err := r.G.Child(ctx, folder.DriveID, folder.ID, "missing.md"); status(err) != 404 {
		t.Fatalf("missing child: %v", err)
	}
	if files := tn.ChannelFiles(open.ID); len(files) != 1 || string(files[0].Data) != "v2" || files[0].Version != 2 {
		t.Fatalf("the channel's files: %+v", files)
	}
	// A file above 4 MB goes through an upload session.
	big := bytes.Repeat([]byte("x"), graph.SimpleUploadMax+1)
	if _, err := r.G.Upload(ctx, folder.DriveID, folder.ID, "big.bin", big, ""); err != nil {
		t.Fatalf("a file above 4 MB goes through an upload session: %v", err)
	}
	files := tn.ChannelFiles(open.ID)
	if len(files) != 2 || files[0].Name != "big.bin" || !bytes.Equal(files[0].Data, big) {
		t.Fatalf("after the session upload: %d files", len(files))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// do sends req and decodes a JSON reply (when there is one).
func do(t *testing.T, hc *http.Client, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	json.NewDecoder(resp.Body).Decode(&doc)
	return resp, doc
}

// TestUploadSession drives an upload session by hand: fragments need no
// token (a bearer token is refused), a fragment the server holds answers
// 416, nextExpectedRanges moves on, the last fragment returns the item,
// and completing onto an existing name with conflictBehavior fail
// answers 409 nameAlreadyExists.
func TestUploadSession(t *testing.T) {
	r := filesRig(t)
	tn := r.Srv.Tenant()
	ctx := context.Background()
	open, _ := filesChannels(t, tn)
	folder, err := r.G.FilesFolder(ctx, open.TeamID, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	hc := r.Srv.HTTPClient()
	token := signIn(t, r.Srv, r.Srv.URLs().GraphResource+"/.default").AccessToken
	base := r.Srv.URLs().Graph + "/v1.0/drives/" + folder.DriveID + "/items/" + folder.ID + ":/"
	create := func(name string) string {
		req, _ := http.NewRequest("POST", base+name+":/createUploadSession", strings.NewReader(`{"item":{"@microsoft.graph.conflictBehavior":"fail"}}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, doc := do(t, hc, req)
		if resp.StatusCode != 200 || doc["uploadUrl"] == nil || doc["expirationDateTime"] == nil {
			t.Fatalf("createUploadSession: %d %v", resp.StatusCode, doc)
		}
		return doc["uploadUrl"].(string)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*(320<<10)/16+100) // 3 fragments and a bit
	unit := 320 << 10
	put := func(u string, from, to int, auth bool) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("PUT", u, bytes.NewReader(data[from:to]))
		req.Header.Set("Content-Range", "bytes "+itoa(from)+"-"+itoa(to-1)+"/"+itoa(len(data)))
		if auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return do(t, hc, req)
	}
	up := create("big.dat")
	for _, tt := range []struct {
		name     string
		from, to int
		auth     bool
		want     int
		next     string
	}{
		{"with a bearer token", 0, unit, true, 401, ""},
		{"first fragment", 0, unit, false, 202, itoa(unit) + "-"},
		{"the same fragment again", 0, unit, false, 416, ""},
		{"out of order", 2 * unit, 3 * unit, false, 416, ""},
		{"not a multiple of 320 KiB", unit, 2*unit - 1, false, 400, ""},
		{"second fragment", unit, 2 * unit, false, 202, itoa(2*unit) + "-"},
		{"third fragment", 2 * unit, 3 * unit, false, 202, itoa(3*unit) + "-"},
		{"last fragment", 3 * unit, len(data), false, 201, ""},
	} {
		resp, doc := put(up, tt.from, tt.to, tt.auth)
		if resp.StatusCode != tt.want {
			t.Fatalf("%s: %d %v, want %d", tt.name, resp.StatusCode, doc, tt.want)
		}
		if tt.next != "" {
			if rs, _ := doc["nextExpectedRanges"].([]any); len(rs) != 1 || rs[0] != tt.next {
				t.Fatalf("%s: nextExpectedRanges %v, want %s", tt.name, doc["nextExpectedRanges"], tt.next)
			}
		}
		if tt.want == 201 {
			h, _ := doc["file"].(map[string]any)["hashes"].(map[string]any)
			if doc["name"] != "big.dat" || doc["size"] != float64(len(data)) || h["quickXorHash"] != quickxor.Of(data) {
				t.Fatalf("completed item: %v", doc)
			}
		}
	}
	// The completed session is gone.
	if resp, _ := put(up, 0, unit, false); resp.StatusCode != 404 {
		t.Fatalf("a completed session: %d, want 404", resp.StatusCode)
	}
	// A second session for the same name fails when it completes.
	up = create("big.dat")
	for off := 0; off < len(data); off += unit {
		resp, doc := put(up, off, min(off+unit, len(data)), false)
		if end := off+unit >= len(data); end && (resp.StatusCode != 409 || doc["error"].(map[string]any)["code"] != "nameAlreadyExists") {
			t.Fatalf("completing onto an existing name: %d %v", resp.StatusCode, doc)
		}
	}
	// DELETE cancels a session.
	up = create("other.dat")
	req, _ := http.NewRequest("DELETE", up, nil)
	if resp, _ := do(t, hc, req); resp.StatusCode != 204 {
		t.Fatalf("DELETE session: %d", resp.StatusCode)
	}
	if resp, _ := put(up, 0, unit, false); resp.StatusCode != 404 {
		t.Fatalf("a cancelled session: %d, want 404", resp.StatusCode)
	}
}

// TestChannelPostAndArticle: a channel message posted with the real
// client is read back among the channel's newest roots; a knowledge
// article created with a client-made id starts as a Draft whatever
// state it was sent with, and a second create of that id is refused.
func TestChannelPostAndArticle(t *testing.T) {
	r := filesRig(t)
	tn := r.Srv.Tenant()
	ctx := context.Background()
	open, _ := filesChannels(t, tn)
	me := tn.World().Me.ID
	html := "<p>Weekly digest <b>2026-W48</b></p>"
	if _, err := r.G.PostChannelMessage(ctx, open.TeamID, open.ID, html); err != nil {
		t.Fatal(err)
	}
	sent, err := r.G.ChannelSentRecently(ctx, open.TeamID, open.ID, me, 20)
	if err != nil || len(sent) == 0 || !strings.Contains(sent[0], "2026-W48") {
		t.Fatalf("read back: %q, %v", sent, err)
	}

	id := "3f0a3c2e-7d7a-4b8e-9a51-1c2d3e4f5a6b"
	row := dataverse.Row{"knowledgearticleid": id, "title": "付款失败怎么办", "content": "<p>Check the card.</p>", "keywords": "付款,payment", "statecode": 3, "statuscode": 7}
	if err := r.DV.Create(ctx, "knowledgearticles", row); err != nil {
		t.Fatal(err)
	}
	got, err := r.DV.Row(ctx, "knowledgearticles", id, []string{"title", "statecode", "statuscode", "articlepublicnumber", "keywords"})
	if err != nil {
		t.Fatal(err)
	}
	if got["statecode"] != float64(0) || got["statuscode"] != float64(2) || got["title"] != "付款失败怎么办" || !strings.HasPrefix(got["articlepublicnumber"].(string), "KA-") {
		t.Fatalf("created article: %v", got)
	}
	for _, tt := range []struct {
		name string
		row  dataverse.Row
		want int
	}{
		{"the same id again", row, 412},
		{"no title", dataverse.Row{"knowledgearticleid": "4f0a3c2e-7d7a-4b8e-9a51-1c2d3e4f5a6b", "content": "<p>x</p>"}, 400},
		{"a description above 155 characters", dataverse.Row{"knowledgearticleid": "5f0a3c2e-7d7a-4b8e-9a51-1c2d3e4f5a6b", "title": "t", "description": strings.Repeat("d", 156)}, 400},
	} {
		err := r.DV.Create(ctx, "knowledgearticles", tt.row)
		var e *dataverse.Error
		if !errors.As(err, &e) || e.Status != tt.want {
			t.Errorf("%s: %v, want %d", tt.name, err, tt.want)
		}
	}
}
