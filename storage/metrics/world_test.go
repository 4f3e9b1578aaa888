package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/storage/storagetest"
)

// The hand-built world of the definition tests: the signed-in user and a
// colleague (known only as a member of the chat and the team), two guests
// of Huadong (a contact of its account, and a colleague of theirs known
// by domain), a guest of Boreal (its web site's domain), and an external
// participant from another organisation (a chat member without the guest
// role, on a foreign domain).
const (
	me       = "u-me"
	col      = "u-col"
	huadong1 = "g-hd1"
	huadong2 = "g-hd2"
	boreal   = "g-br1"
	external = "x-ext"
	bot      = "" // a bot or connector: no user

	chat    = "19:chat1@thread.v2"
	chan1   = "19:chan1@thread.tacv2"
	team1   = "team-1"
	accHD   = "acc-huadong"
	accBR   = "acc-boreal"
	accNone = ""
)

func shanghai() metrics.Settings {
	return metrics.Settings{Hours: []metrics.Schedule{{Zone: "Asia/Shanghai", Days: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00",
		Holidays: []string{"2026-05-01"}}}}
}

// openWorld opens a store holding the world, with settings set.
func openWorld(t testing.TB, set metrics.Settings) (*storage.DB, *metrics.Service) {
	t.Helper()
	ctx := context.Background()
	db := storagetest.Open(t)
	err := db.Apply(ctx, func(w *storage.Writer) error {
		for _, u := range []storage.User{
			{ID: me, DisplayName: "Me", Mail: "me@lumen.example", UPN: "me@lumen.example", UserType: "Member"},
			{ID: huadong1, DisplayName: "Wang Fang", Mail: "wang.fang@huadong.example", UserType: "Guest"},
			{ID: huadong2, DisplayName: "Li Lei", Mail: "li.lei@huadong.example", UserType: "Guest"},
			{ID: boreal, DisplayName: "Lucie", Mail: "lucie@boreal.example", UserType: "Guest"},
		} {
			if err := w.PutUser(u); err != nil {
				return err
			}
		}
		if err := w.SetMe(me); err != nil {
			return err
		}
		if err := w.PutTeam(storage.Team{ID: team1, Name: "Huadong"}); err != nil {
			return err
		}
		if err := w.PutChannel(storage.Channel{ID: chan1, TeamID: team1, Name: "Support", MembershipType: storage.ChannelStandard}); err != nil {
			return err
		}
		if err := w.PutChat(storage.Chat{ID: chat, Topic: "Huadong project", ChatType: "group"}); err != nil {
			return err
		}
		members := []storage.Member{
			{UserID: me, DisplayName: "Me", Email: "me@lumen.example", Roles: []string{"owner"}},
			{UserID: col, DisplayName: "Colleague", Email: "col@lumen.example", Roles: []string{}},
			{UserID: huadong1, DisplayName: "Wang Fang", Email: "wang.fang@huadong.example", Roles: []string{"guest"}},
			{UserID: huadong2, DisplayName: "Li Lei", Email: "li.lei@huadong.example", Roles: []string{"guest"}},
			{UserID: boreal, DisplayName: "Lucie", Email: "lucie@boreal.example", Roles: []string{"guest"}},
			{UserID: external, DisplayName: "Ext", Email: "ext@outside.example", Roles: []string{}},
		}
		for _, c := range []string{chat, team1} {
			if err := w.SetMembers(c, members); err != nil {
				return err
			}
		}
		for _, r := range []storage.Record{
			{Set: "accounts", ID: accHD, Fields: map[string]any{"name": "Huadong Precision", "emailaddress1": "info@huadong.example"}},
			{Set: "accounts", ID: accBR, Fields: map[string]any{"name": "Boreal", "websiteurl": "https://www.boreal.example"}},
			{Set: "contacts", ID: "c-1", Fields: map[string]any{"emailaddress1": "Wang.Fang@huadong.example", "_parentcustomerid_value": accHD}},
		} {
			if err := w.PutRecord(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := metrics.New(db)
	if _, err := s.SetSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	return db, s
}

// msg is a message of a hand-built conversation.
type msg struct {
	id, conv, replyTo, from string
	at                      time.Time
	typ                     string // "" is a message
	deleted, edited         bool
}

func put(t testing.TB, db *storage.DB, ms ...msg) {
	t.Helper()
	err := db.Apply(context.Background(), func(w *storage.Writer) error {
		for _, m := range ms {
			sm := storage.Message{ConvID: m.conv, ID: m.id, ReplyTo: m.replyTo, FromID: m.from, Created: m.at, Modified: m.at, Type: m.typ}
			if sm.Type == "" {
				sm.Type = "message"
			}
			if m.edited {
				e := m.at.Add(2 * time.Hour)
				sm.Edited, sm.Modified = &e, e
			}
			if m.deleted {
				d := m.at.Add(3 * time.Hour)
				sm.Deleted, sm.Modified = &d, d
			}
			if _, err := w.PutMessage(sm, storage.Body{Raw: "<p>" + m.id + "</p>"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// at is a time in a zone.
func at(zone, s string) time.Time {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func sh(s string) time.Time { return at("Asia/Shanghai", s) }
