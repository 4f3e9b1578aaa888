package metrics_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage/metrics"
)

// want is one expected wait: started by message start, ended by end (""
// still open), with its first response time (or age) on the working-hours
// clock and on the wall clock, and its account.
type want struct {
	start, end string
	work, wall time.Duration
	account    string
}

func h(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }
func m(n float64) time.Duration { return time.Duration(n * float64(time.Minute)) }

// TestDefinitions builds each case's conversation in a real store and
// checks every wait the metrics find (start, end, working and wall
// seconds, account) against the guide's definitions.
func TestDefinitions(t *testing.T) {
	kolkata := metrics.Settings{Hours: []metrics.Schedule{{Zone: "Asia/Kolkata", Days: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}}}
	paris := metrics.Settings{Hours: []metrics.Schedule{{Zone: "Europe/Paris", Days: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}}}
	changed := shanghai()
	changed.Hours = append(changed.Hours, metrics.Schedule{From: "2026-05-11", Zone: "Asia/Shanghai", Days: []int{1, 2, 3, 4, 5, 6}, Start: "08:00", End: "12:00"})
	mapped := shanghai()
	mapped.Domains = map[string]string{"HUADONG.example": accBR} // the setting wins over the account's own domain
	now := sh("2026-05-04 14:00")                                // a Monday

	for _, tt := range []struct {
		name string
		set  metrics.Settings
		now  time.Time
		msgs []msg
		want []want
	}{
		{"an answer in working hours", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 10:00")},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:20")},
		}, []want{{"c1", "r1", m(20), m(20), accHD}}},
		{"across a weekend and a holiday", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-30 17:30")}, // Thursday; Friday 1 May is a holiday
			{id: "r1", conv: chat, from: me, at: sh("2026-05-04 09:15")},
		}, []want{{"c1", "r1", m(45), h(3*24 + 15.75), accHD}}},
		{"entirely outside working hours, answered as the next period starts: 0", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-05-02 10:00")}, // Saturday
			{id: "r1", conv: chat, from: me, at: sh("2026-05-04 09:00")},
		}, []want{{"c1", "r1", 0, h(47), accHD}}},
		{"customer follow-ups before the reply do not restart the wait", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 10:00")},
			{id: "c2", conv: chat, from: huadong1, at: sh("2026-04-27 10:05")},
			{id: "c3", conv: chat, from: huadong1, at: sh("2026-04-27 10:10")},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:30")},
			{id: "c4", conv: chat, from: huadong1, at: sh("2026-04-27 11:00")},
			{id: "r2", conv: chat, from: me, at: sh("2026-04-27 11:01")},
			{id: "r3", conv: chat, from: me, at: sh("2026-04-27 11:02")},
		}, []want{{"c1", "r1", m(30), m(30), accHD}, {"c4", "r2", m(1), m(1), accHD}}},
		{"a reply in another thread does not count", shanghai(), now, []msg{
			{id: "A", conv: chan1, from: huadong1, at: sh("2026-04-27 10:00")},
			{id: "B", conv: chan1, from: me, at: sh("2026-04-27 10:01")},
			{id: "B1", conv: chan1, replyTo: "B", from: me, at: sh("2026-04-27 10:05")},
			{id: "A1", conv: chan1, replyTo: "A", from: huadong1, at: sh("2026-04-27 10:30")},
			{id: "A2", conv: chan1, replyTo: "A", from: me, at: sh("2026-04-27 11:00")},
			{id: "C", conv: chan1, from: boreal, at: sh("2026-04-27 12:00")},
			{id: "C1", conv: chan1, replyTo: "C", from: me, at: sh("2026-04-27 12:10")},
		}, []want{{"A", "A2", h(1), h(1), accHD}, {"C", "C1", m(10), m(10), accBR}}},
		{"bots and system events neither start nor end a wait", shanghai(), now, []msg{
			{id: "b0", conv: chat, from: bot, at: sh("2026-04-27 09:30")},
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 10:00")},
			{id: "b1", conv: chat, from: bot, at: sh("2026-04-27 10:01")},
			{id: "s1", conv: chat, from: me, typ: "systemEventMessage", at: sh("2026-04-27 10:02")},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:40")},
			{id: "s2", conv: chat, from: huadong1, typ: "systemEventMessage", at: sh("2026-04-27 11:00")},
		}, []want{{"c1", "r1", m(40), m(40), accHD}}},
		{"deleted messages still start and end waits", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 10:00"), deleted: true},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:10"), deleted: true},
		}, []want{{"c1", "r1", m(10), m(10), accHD}}},
		{"an edited message keeps its creation time", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 10:00"), edited: true},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:15"), edited: true},
		}, []want{{"c1", "r1", m(15), m(15), accHD}}},
		{"the customer's own colleague does not answer", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-27 10:00")},
			{id: "c2", conv: chat, from: huadong2, at: sh("2026-04-27 10:05")},
			{id: "r1", conv: chat, from: col, at: sh("2026-04-27 10:30")}, // our colleague does
		}, []want{{"c1", "r1", m(30), m(30), accHD}}},
		{"an external participant is a customer; the account falls back to the chat's", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: external, at: sh("2026-04-27 10:00")},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:03")},
			{id: "c2", conv: chat, from: huadong2, at: sh("2026-04-27 11:00")},
			{id: "c3", conv: chat, from: huadong2, at: sh("2026-04-27 11:30")},
			{id: "r2", conv: chat, from: me, at: sh("2026-04-27 11:45")},
		}, []want{{"c1", "r1", m(3), m(3), accHD}, {"c2", "r2", m(45), m(45), accHD}}},
		{"a time zone with a half-hour offset", kolkata, now, []msg{
			{id: "c1", conv: chat, from: boreal, at: at("Asia/Kolkata", "2026-04-27 08:30")},
			{id: "r1", conv: chat, from: me, at: at("Asia/Kolkata", "2026-04-27 09:30")},
			{id: "c2", conv: chat, from: boreal, at: at("Asia/Kolkata", "2026-04-27 17:45")},
			{id: "r2", conv: chat, from: me, at: at("UTC", "2026-04-27 12:45")}, // 18:15 in Kolkata
		}, []want{{"c1", "r1", m(30), h(1), accBR}, {"c2", "r2", m(15), m(30), accBR}}},
		{"a DST change", paris, now, []msg{
			{id: "c1", conv: chat, from: boreal, at: at("Europe/Paris", "2026-03-27 17:00")}, // Friday, CET
			{id: "r1", conv: chat, from: me, at: at("Europe/Paris", "2026-03-30 10:00")},     // Monday, CEST
		}, []want{{"c1", "r1", h(2), h(64), accBR}}},
		{"the schedule in force at each moment counts", changed, sh("2026-05-11 11:00"), []msg{
			{id: "c1", conv: chat, from: boreal, at: sh("2026-05-08 17:00")}, // Friday, 09:00–18:00
			{id: "r1", conv: chat, from: me, at: sh("2026-05-11 09:00")},     // Monday, 08:00–12:00 from then
			{id: "c2", conv: chat, from: boreal, at: sh("2026-05-11 10:00")},
		}, []want{{"c1", "r1", h(2), h(64), accBR}, {"c2", "", h(1), h(1), accBR}}},
		{"unanswered: aged until now on the same clock", shanghai(), now, []msg{
			{id: "c1", conv: chat, from: huadong1, at: sh("2026-04-30 16:00")},
			{id: "A", conv: chan1, from: boreal, at: sh("2026-05-04 13:00")},
		}, []want{{"c1", "", h(2 + 5), h(3*24 + 22), accHD}, {"A", "", h(1), h(1), accBR}}},
		{"settings map a domain to another account", mapped, now, []msg{
			{id: "c1", conv: chat, from: huadong2, at: sh("2026-04-27 10:00")},
			{id: "r1", conv: chat, from: me, at: sh("2026-04-27 10:01")},
		}, []want{{"c1", "r1", m(1), m(1), accBR}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, s := openWorld(t, tt.set)
			s.Now = func() time.Time { return tt.now }
			put(t, db, tt.msgs...)
			for _, hours := range []string{metrics.HoursSettings, metrics.HoursWall} {
				ws, err := s.Waits(context.Background(), metrics.Query{Hours: hours}, metrics.ByTotal, "")
				if err != nil {
					t.Fatal(err)
				}
				var got, exp []string
				for _, w := range ws {
					got = append(got, fmt.Sprintf("%s→%s %ds %s", w.Message, w.Answer, w.Seconds, w.Account))
				}
				for _, w := range tt.want {
					d := w.work
					if hours == metrics.HoursWall {
						d = w.wall
					}
					exp = append(exp, fmt.Sprintf("%s→%s %ds %s", w.start, w.end, int64(d/time.Second), w.account))
				}
				slices.Sort(got)
				slices.Sort(exp)
				if !slices.Equal(got, exp) {
					t.Errorf("%s clock:\n got %s\nwant %s", hours, strings.Join(got, "; "), strings.Join(exp, "; "))
				}
			}
		})
	}
}
