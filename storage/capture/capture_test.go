package capture_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/storage/storagetest"
)

var ctx = context.Background()

type names struct{}

func (names) Chats(context.Context) ([]links.Named, error) {
	return []links.Named{{ID: "c1", Name: "Contoso"}}, nil
}
func (names) Channels(context.Context) ([]links.Named, error) { return nil, nil }

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// fixture is a store written as sync writes it: the user, a customer's
// contact (a guest), a chat and a channel thread with messages (one
// hostile), an account, a contact, a case and the user's Dynamics user.
func fixture(t *testing.T) (*storage.DB, *capture.Service, *links.Service) {
	t.Helper()
	db := storagetest.Open(t)
	err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, u := range []storage.User{{ID: "aad-me", DisplayName: "Me"}, {ID: "aad-alice", DisplayName: "Alice Wang", UserType: "Guest", Mail: "alice@contoso.com"}} {
			if err := w.PutUser(u); err != nil {
				return err
			}
		}
		if err := w.SetMe("aad-me"); err != nil {
			return err
		}
		if err := w.PutChat(storage.Chat{ID: "c1", ChatType: "group", Topic: "Contoso", LastActivity: t0}); err != nil {
			return err
		}
		if err := w.PutTeam(storage.Team{ID: "t1", Name: "Customers"}); err != nil {
			return err
		}
		if err := w.PutChannel(storage.Channel{ID: "ch1", TeamID: "t1", Name: "Contoso"}); err != nil {
			return err
		}
		msgs := []struct {
			conv, id, reply, from, name, html string
			at                                int
		}{
			{"c1", "m1", "", "aad-alice", "Alice Wang", "<p>The printer is <b>offline</b> since Monday</p>", 0},
			{"c1", "m2", "", "aad-me", "Me", "<p>Looking into it</p>", 1},
			{"c1", "m3", "", "aad-alice", "Alice Wang", `<p>Still down <img src=x onerror="alert(1)"><script>alert(2)</script></p>`, 2},
			{"c1", "m4", "", "aad-me", "Me", "<p>Fixed?</p>", 3},
			{"ch1", "r1", "", "aad-alice", "Alice Wang", "<p>Invoice #2 is wrong</p>", 0},
			{"ch1", "r2", "r1", "aad-me", "Me", "<p>Checking with finance</p>", 1},
		}
		for _, m := range msgs {
			msg := storage.Message{ConvID: m.conv, ID: m.id, ReplyTo: m.reply, Type: "message", FromID: m.from, FromName: m.name,
				Created: t0.Add(time.Duration(m.at) * time.Minute), Modified: t0.Add(time.Duration(m.at) * time.Minute)}
			if m.conv == "ch1" {
				msg.TeamID = "t1"
			}
			if _, err := w.PutMessage(msg, storage.Body{Raw: m.html}); err != nil {
				return err
			}
		}
		recs := []storage.Record{
			{Set: "systemusers", ID: "su-me", Fields: map[string]any{"azureactivedirectoryobjectid": "aad-me", "fullname": "Me"}},
			{Set: "accounts", ID: "acc", Fields: map[string]any{"name": "Contoso Ltd", "emailaddress1": "info@contoso.com"}},
			{Set: "contacts", ID: "con", Fields: map[string]any{"fullname": "Alice Wang", "emailaddress1": "alice@contoso.com", "_parentcustomerid_value": "acc"}},
			{Set: "incidents", ID: "case", Fields: map[string]any{"title": "Printer offline", "ticketnumber": "CAS-01234-ABCDE", "_customerid_value": "acc"}},
			{Set: "knowledgearticles", ID: "ka", Fields: map[string]any{"title": "Printers FAQ", "articlepublicnumber": "KA-01001"}},
			{Set: "tasks", ID: "task-synced", Fields: map[string]any{"subject": "Send the invoice again", "statecode": 1.0, "prioritycode": 1.0,
				"_regardingobjectid_value": "case", "regardingobjecttypecode": "incident", "_ownerid_value": "su-me", "createdon": "2026-11-29T10:00:00Z"}},
		}
		for _, r := range recs {
			r.Modified = t0
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	l := links.New(db, names{})
	return db, capture.New(db, l), l
}

// TestRefusals: what Dataverse would refuse, or Rapport cannot read, is
// ErrInvalid (or not found) before anything is queued.
func TestRefusals(t *testing.T) {
	db, svc, _ := fixture(t)
	for _, tt := range []struct {
		name string
		call func() error
		want error
	}{
		{"case without a title", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "message/c1/m1", Customer: "Contoso Ltd"})
			return err
		}, capture.ErrInvalid},
		{"case without a customer", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "message/c1/m1", Title: "x"})
			return err
		}, capture.ErrInvalid},
		{"case whose customer is a case", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "message/c1/m1", Title: "x", Customer: "CAS-01234-ABCDE"})
			return err
		}, capture.ErrInvalid},
		{"case with an unknown priority", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "message/c1/m1", Title: "x", Customer: "acc", Priority: "urgent"})
			return err
		}, capture.ErrInvalid},
		{"case from a chat id", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "c1", Title: "x", Customer: "acc"})
			return err
		}, capture.ErrInvalid},
		{"case from a range the wrong way round", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "range/c1/m3/m1", Title: "x", Customer: "acc"})
			return err
		}, capture.ErrInvalid},
		{"case from a missing message", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "message/c1/nope", Title: "x", Customer: "acc"})
			return err
		}, storage.ErrNotFound},
		{"case for an unknown customer", func() error {
			_, err := svc.CreateCase(ctx, capture.CaseRequest{From: "message/c1/m1", Title: "x", Customer: "Northwind"})
			return err
		}, storage.ErrNotFound},
		{"task without a subject", func() error {
			_, err := svc.AddTask(ctx, capture.TaskRequest{Record: "CAS-01234-ABCDE"})
			return err
		}, capture.ErrInvalid},
		{"task with a bad due date", func() error {
			_, err := svc.AddTask(ctx, capture.TaskRequest{Record: "CAS-01234-ABCDE", Subject: "x", Due: "next week"})
			return err
		}, capture.ErrInvalid},
		{"task on a knowledge article", func() error {
			_, err := svc.AddTask(ctx, capture.TaskRequest{Record: "KA-01001", Subject: "x"})
			return err
		}, capture.ErrInvalid},
		{"note without messages", func() error {
			_, err := svc.AddNote(ctx, capture.NoteRequest{Record: "CAS-01234-ABCDE"})
			return err
		}, capture.ErrInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if ops, err := db.Outbox(ctx); err != nil || len(ops) != 0 {
		t.Fatalf("refusals queued %+v %v", ops, err)
	}
}

// TestCaseTaskNote: a case made from a range of a chat carries the
// messages' text (authors, times, no markup), is linked to the chat at
// once and shows as waiting; a task and a note on it wait for it; the
// record's activities and the user's follow-ups list them beside the
// synced ones; a thread's case is linked to the thread in Rapport.
func TestCaseTaskNote(t *testing.T) {
	db, svc, l := fixture(t)
	c, err := svc.CreateCase(ctx, capture.CaseRequest{From: "range/c1/m1/m3", Title: "  Printer offline again ", Customer: "alice@contoso.com", Priority: "high"})
	if err != nil {
		t.Fatal(err)
	}
	desc, _ := c.Op.Row["description"].(string)
	want := "[2026-11-30 09:00 UTC] Alice Wang: The printer is offline since Monday\n[2026-11-30 09:01 UTC] Me: Looking into it\n[2026-11-30 09:02 UTC] Alice Wang: Still down [image]" // the image as text, its script gone
	if desc != want {
		t.Errorf("description\n got %q\nwant %q", desc, want)
	}
	if c.Op.Row["title"] != "Printer offline again" || c.Op.Row["prioritycode"] != 1 || c.Op.Row[crm.CustomerBind("contact")] != "/contacts(con)" || c.LinkedTo != "c1" {
		t.Errorf("case row %+v linked to %q", c.Op.Row, c.LinkedTo)
	}
	views, err := l.ForChat(ctx, "c1")
	if err != nil || len(views) != 1 || views[0].RecordID != c.ID || views[0].Sync != storage.OpPending || !views[0].Record.Waiting ||
		views[0].Record.Title != "Printer offline again" {
		t.Fatalf("the chat's link to the new case: %+v %v", views, err)
	}
	ops, _ := db.Outbox(ctx)
	if len(ops) != 2 || ops[1].Kind != storage.OpLink || ops[1].After != c.Op.ID {
		t.Fatalf("the link does not wait for the case: %+v", ops)
	}

	task, err := svc.AddTask(ctx, capture.TaskRequest{Record: "incidents:" + c.ID, Subject: "Call Alice back", Due: "2026-12-02", From: "message/c1/m4"})
	if err != nil || task.Op.After != c.Op.ID || task.Op.Row["scheduledend"] != "2026-12-02T17:00:00Z" || task.Op.Row[crm.TaskBind("incident")] != "/incidents("+c.ID+")" {
		t.Fatalf("task on the new case: %+v %v", task, err)
	}
	note, err := svc.AddNote(ctx, capture.NoteRequest{Record: "CAS-01234-ABCDE", From: "thread/ch1/r1", File: true})
	if err != nil || note.Op.After != "" || note.Op.Row["filename"] != "teams-2026-11-30.md" {
		t.Fatalf("note with a file: %+v %v", note, err)
	}
	md, err := base64.StdEncoding.DecodeString(note.Op.Row["documentbody"].(string))
	if err != nil || !strings.Contains(string(md), "> Invoice \\#2 is wrong") || !strings.Contains(string(md), "**Me** · 2026-11-30 09:01 UTC") {
		t.Fatalf("the note's file:\n%s %v", md, err)
	}
	acts, err := svc.Activities(ctx, "incidents", c.ID)
	if err != nil || len(acts) != 1 || acts[0].Kind != capture.KindTask || acts[0].State != storage.OpPending || acts[0].Title != "Call Alice back" {
		t.Fatalf("the new case's activities: %+v %v", acts, err)
	}
	acts, err = svc.Activities(ctx, "incidents", "case")
	if err != nil || len(acts) != 2 {
		t.Fatalf("the case's activities: %+v %v", acts, err)
	}
	kinds := acts[0].Kind + "/" + acts[0].State + " " + acts[1].Kind + "/" + acts[1].State
	if kinds != "note/pending task/completed" {
		t.Errorf("the case's activities: %s", kinds)
	}
	fu, err := svc.FollowUps(ctx)
	if err != nil || len(fu) != 2 || fu[0].ID != task.ID || fu[1].ID != "task-synced" || fu[1].RecordTitle != "Printer offline" {
		t.Fatalf("follow-ups (the open one first): %+v %v", fu, err)
	}

	thread, err := svc.CreateCase(ctx, capture.CaseRequest{From: "thread/ch1/r1", Title: "Invoice", Customer: "accounts:acc"})
	if err != nil || thread.LinkedTo != "thread/ch1/r1" {
		t.Fatalf("a thread's case: %+v %v", thread, err)
	}
	lv, err := l.ForConversation(ctx, "ch1")
	if err != nil || len(lv) != 1 || lv[0].Sync != storage.LinkLocal || lv[0].RecordID != thread.ID {
		t.Fatalf("the thread's link: %+v %v", lv, err)
	}
	if !strings.Contains(thread.Op.Row["description"].(string), "Me: Checking with finance") {
		t.Errorf("the thread's replies are not in the description: %q", thread.Op.Row["description"])
	}
}

// TestCustomers: a case's customer is suggested from the messages: the
// chat's contact (a guest) and her account, and the account of a case
// whose number the messages mention; never a case or an article.
func TestCustomers(t *testing.T) {
	db, svc, _ := fixture(t)
	err := db.Apply(ctx, func(w *storage.Writer) error {
		if err := w.PutRecord(storage.Record{Set: "accounts", ID: "fab", Modified: t0, Fields: map[string]any{"name": "Fabrikam"}}); err != nil {
			return err
		}
		if err := w.PutRecord(storage.Record{Set: "incidents", ID: "case2", Modified: t0, Fields: map[string]any{"title": "Invoice", "ticketnumber": "CAS-02000-FFFFFF", "_customerid_value": "fab"}}); err != nil {
			return err
		}
		_, err := w.PutMessage(storage.Message{ConvID: "ch1", TeamID: "t1", ID: "r3", Type: "message", FromID: "aad-me", FromName: "Me", Created: t0.Add(time.Hour)},
			storage.Body{Raw: "<p>See CAS-02000-FFFFFF</p>"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := func(from string) string {
		t.Helper()
		sug, err := svc.Customers(ctx, from)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range sug {
			out = append(out, s.Card.Set+":"+s.Card.ID+"/"+s.Why)
		}
		return strings.Join(out, " ")
	}
	if g := got("range/c1/m1/m3"); g != "contacts:con/contact accounts:acc/contact" {
		t.Errorf("from the chat: %s", g)
	}
	if g := got("message/ch1/r3"); g != "accounts:fab/case-number" {
		t.Errorf("from a message naming a case: %s", g)
	}
}
