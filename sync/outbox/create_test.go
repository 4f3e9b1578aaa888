package outbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestPushCreates queues a case linked to its chat, a note on that case
// and a task on an existing case while the tenant is down, then pushes
// through writes that apply and answer 503 (the outcome unknown) and 429s:
// each row exists exactly once, the chat is linked to the new case once,
// and the case has the number Dynamics gave it. A task on a case deleted
// upstream is a conflict and one refused for a missing privilege fails
// with Dataverse's reason, then lands when retried; discarding a case
// discards the link waiting for it.
func TestPushCreates(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small}, engine.Options{})
	tn := r.Srv.Tenant()
	w := tn.World()
	chat := w.Chats[0].ID
	acct := w.Customers[0].AccountID
	cases := tn.Rows("incidents")
	existing, gone := cases[0]["incidentid"].(string), cases[1]["incidentid"].(string)
	c := &clock{t: time.Now()}
	queue := func(op storage.Op, linkTo string) storage.Op {
		t.Helper()
		op.RecordID, op.By = storage.NewID(), w.Me.ID
		q, err := r.DB.QueueCreate(ctx, op, linkTo, c.now())
		must(t, err)
		return q
	}
	newCase := queue(storage.Op{Set: crm.CaseSet, Subject: "Printer offline", Row: map[string]any{"title": "Printer offline",
		"description": "From the chat", crm.CustomerBind("account"): crm.Bind("accounts", acct)}}, chat)
	note := queue(storage.Op{Set: crm.NoteSet, Subject: "Thread", After: newCase.ID, Row: map[string]any{"subject": "Thread",
		"notetext": "Customer: the printer is offline", crm.NoteBind("incident"): crm.Bind("incidents", newCase.RecordID)}}, "")
	task := queue(storage.Op{Set: crm.TaskSet, Subject: "Call back", Row: map[string]any{"subject": "Call back",
		"scheduledend": "2026-12-10T09:00:00Z", crm.TaskBind("incident"): crm.Bind("incidents", existing)}}, "")

	must(t, r.Srv.Stop())
	res, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if res.Done != 0 || res.Waiting != 4 {
		t.Fatalf("tenant down: %+v (%s)", res, states(t, r.DB))
	}
	must(t, r.Srv.Start(""))
	must(t, r.Srv.SetFaults("503after=1,429=0.2,seed=3"))
	for i := 0; i < 10; i++ {
		c.t = c.t.Add(10 * time.Minute)
		_, err := outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
		must(t, err)
		if i == 4 {
			must(t, r.Srv.SetFaults(""))
		}
	}
	if got := states(t, r.DB); got != "create:done link:done create:done create:done" {
		t.Fatalf("operations: %s", got)
	}
	count := func(set, col, val string) int {
		n := 0
		for _, row := range tn.Rows(set) {
			if row[col] == val {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct {
		name, set, col, val string
	}{
		{"the case", "incidents", "incidentid", newCase.RecordID},
		{"the note", "annotations", "annotationid", note.RecordID},
		{"the task", "tasks", "activityid", task.RecordID},
		{"the chat's link to the case", "chats", "_regardingobjectid_value", newCase.RecordID},
	} {
		if n := count(tt.set, tt.col, tt.val); n != 1 {
			t.Errorf("%s is in Dynamics %d times, want once", tt.name, n)
		}
	}
	for _, row := range tn.Rows("incidents") {
		if row["incidentid"] == newCase.RecordID && !strings.HasPrefix(row["ticketnumber"].(string), "CAS-") {
			t.Errorf("the new case has no case number: %v", row)
		}
	}

	// Refusals keep their reason.
	must(t, tn.DeleteRow("incidents", gone))
	orphan := queue(storage.Op{Set: crm.TaskSet, Subject: "x", Row: map[string]any{"subject": "x", crm.TaskBind("incident"): crm.Bind("incidents", gone)}}, "")
	tn.DenyCreate("tasks", true)
	denied := queue(storage.Op{Set: crm.TaskSet, Subject: "y", Row: map[string]any{"subject": "y", crm.TaskBind("incident"): crm.Bind("incidents", existing)}}, "")
	_, err = outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	ops, err := r.DB.Outbox(ctx)
	must(t, err)
	if o := ops[orphan.Seq-1]; o.State != storage.OpConflict && o.State != storage.OpFailed {
		t.Errorf("task on a deleted case: %s %q", o.State, o.Error)
	}
	if o := ops[denied.Seq-1]; o.State != storage.OpFailed || !strings.Contains(o.Error, "prvCreateActivity") {
		t.Errorf("task without the privilege: %s %q, want failed naming prvCreateActivity", o.State, o.Error)
	}
	tn.DenyCreate("tasks", false)
	_, err = r.DB.RetryOp(ctx, denied.Seq, c.now())
	must(t, err)
	_, err = outbox.Push(ctx, r.DB, r.DV, r.G, c.now)
	must(t, err)
	if n := count("tasks", "activityid", denied.RecordID); n != 1 {
		t.Errorf("the retried task is in Dynamics %d times, want once", n)
	}

	// Discarding a case discards the link waiting for it.
	must(t, r.Srv.Stop())
	other := queue(storage.Op{Set: crm.CaseSet, Subject: "z", Row: map[string]any{"title": "z", crm.CustomerBind("account"): crm.Bind("accounts", acct)}}, chat)
	_, err = r.DB.DiscardOp(ctx, other.Seq, c.now())
	must(t, err)
	ls, err := r.DB.Links(ctx, chat)
	must(t, err)
	for _, l := range ls {
		if l.RecordID == other.RecordID && (l.Linked || l.Op != "") {
			t.Errorf("the discarded case's link stays: %+v", l)
		}
	}
	pending, err := r.DB.Outbox(ctx, storage.OpPending)
	must(t, err)
	if len(pending) != 0 {
		t.Errorf("operations still pending after the discard: %+v", pending)
	}
}
