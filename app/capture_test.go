package app

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/sync/tenantsim"
	"github.com/rapport-app/rapport/sync/tenantsim/simtest"
)

// TestCaptureCommands runs `rapport case create`, `task add`, `note add`
// and `task list` as a user would: synced once, then offline (the tenant
// down), then a sync through writes that apply and answer 503. Dynamics
// ends with the case once (with its number), linked to its chat once,
// the task on it and the note with the thread attached, once each; the
// task lists as open once it is synced back. Refusals are invalid_argument
// with nothing queued.
func TestCaptureCommands(t *testing.T) {
	srv := simtest.Start(t, tenantsim.Options{Seed: 5, Size: tenantsim.Small})
	ca, err := srv.WriteCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := srv.URLs()
	flags := []string{"--data-dir", filepath.Join(t.TempDir(), "data"), "--authority-url", u.Authority, "--graph-url", u.Graph,
		"--dataverse-url", u.Dataverse, "--tenant", u.Tenant, "--client-id", u.ClientID, "--ca-file", ca, "--token-cache", "file"}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Main(append(args, flags...), fstest.MapFS{}, "test", &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, stderr := run("sync"); code != 0 {
		t.Fatalf("rapport sync: exit %d\n%s", code, stderr)
	}
	tn := srv.Tenant()
	w := tn.World()
	chat := w.Chats[0]
	msgs, err := tn.Messages(chat.ID)
	if err != nil {
		t.Fatal(err)
	}
	var said []*tenantsim.Message
	for _, m := range msgs {
		if m.Type == "message" && m.Deleted == nil && m.AuthorID != "" {
			said = append(said, m)
		}
	}
	var root *tenantsim.Message
	for _, ch := range w.Teams[0].Channels {
		ms, err := tn.Messages(ch.ID)
		if err != nil {
			continue
		}
		for _, m := range ms {
			if m.ReplyToID == "" && m.Type == "message" && m.Deleted == nil && root == nil {
				root = m
			}
		}
	}
	if len(said) < 3 || root == nil {
		t.Fatal("the tenant lacks messages or a channel thread")
	}
	customer := w.Customers[chat.Customer].Contacts[0].Mail
	if chat.Customer < 0 {
		customer = w.Customers[0].Name
	}
	must := func(args ...string) capture.Created {
		t.Helper()
		code, out, stderr := run(append(args, "--json")...)
		if code != 0 {
			t.Fatalf("rapport %v: exit %d\n%s%s", args, code, out, stderr)
		}
		var c capture.Created
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return c
	}
	srv.Stop()
	for _, args := range [][]string{
		{"case", "create", "--from", "message/" + chat.ID + "/" + said[0].ID, "--customer", customer},
		{"case", "create", "--from", "message/" + chat.ID + "/" + said[0].ID, "--title", "x"},
		{"task", "add", "--record", "CAS-00000-NOPE", "--subject", "x"},
		{"note", "add", "--record", w.Customers[0].Name},
	} {
		code, out, _ := run(append(args, "--json")...)
		if code == 0 || !strings.Contains(out, `"code":"invalid_argument"`) && !strings.Contains(out, `"code":"not_found"`) {
			t.Errorf("rapport %v: exit %d %s, want a refusal", args, code, out)
		}
	}
	cs := must("case", "create", "--from", "range/"+chat.ID+"/"+said[0].ID+"/"+said[2].ID, "--title", "Printer offline since Monday",
		"--customer", customer, "--priority", "high")
	task := must("task", "add", "--record", "incidents:"+cs.ID, "--subject", "Call the customer back", "--due", "2026-12-10")
	note := must("note", "add", "--record", "incidents:"+cs.ID, "--from", "thread/"+root.ChannelID+"/"+root.ID, "--file")
	if cs.LinkedTo != chat.ID || task.Op.After != cs.Op.ID || note.Op.After != cs.Op.ID {
		t.Fatalf("case linked to %q; task after %q, note after %q, want %q", cs.LinkedTo, task.Op.After, note.Op.After, cs.Op.ID)
	}

	if err := srv.Start(""); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetFaults("503after=1"); err != nil {
		t.Fatal(err)
	}
	run("sync") // the case's create applies, its answer is lost: in flight
	if err := srv.SetFaults(""); err != nil {
		t.Fatal(err)
	}
	outbox := func() []storage.Op {
		code, out, _ := run("outbox", "--json")
		var ops []storage.Op
		if code != 0 || json.Unmarshal([]byte(out), &ops) != nil {
			t.Fatalf("rapport outbox: %d %s", code, out)
		}
		return ops
	}
	for i := 0; i < 10; i++ {
		if code, _, stderr := run("sync"); code != 0 {
			t.Fatalf("sync: exit %d\n%s", code, stderr)
		}
		if !slices.ContainsFunc(outbox(), func(op storage.Op) bool { return op.State != storage.OpDone }) {
			break
		}
		time.Sleep(time.Second) // the outbox backs off from the 503 (its first retry waits 2 s)
	}
	count := func(set, col, val string) int {
		n := 0
		for _, r := range tn.Rows(set) {
			if r[col] == val {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct{ what, set, col, val string }{
		{"the case", "incidents", "incidentid", cs.ID},
		{"its link to the chat", "chats", "_regardingobjectid_value", cs.ID},
		{"the task", "tasks", "activityid", task.ID},
		{"the note", "annotations", "annotationid", note.ID},
	} {
		if n := count(tt.set, tt.col, tt.val); n != 1 {
			t.Errorf("%s is in Dynamics %d times, want once", tt.what, n)
		}
	}
	for _, op := range outbox() {
		if op.State != storage.OpDone {
			t.Errorf("%s #%d is %s: %s", op.Kind, op.Seq, op.State, op.Error)
		}
	}
	code, out, _ := run("task", "list", "--json")
	var fu []capture.Activity
	if code != 0 || json.Unmarshal([]byte(out), &fu) != nil || len(fu) == 0 {
		t.Fatalf("rapport task list: %d %s", code, out)
	}
	if fu[0].ID != task.ID || fu[0].State != capture.StateOpen || fu[0].OpSeq != 0 || fu[0].RecordTitle != "Printer offline since Monday" {
		t.Errorf("the follow-up after sync: %+v", fu[0])
	}
	for _, r := range tn.Rows("incidents") {
		if r["incidentid"] != cs.ID {
			continue
		}
		ticket := r["ticketnumber"].(string)
		if code, out, _ = run("search", "--json", ticket); code != 0 || !strings.Contains(out, cs.ID) {
			t.Errorf("the new case's number %s does not find it: %s", ticket, out)
		}
	}
}
