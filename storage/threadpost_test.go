package storage

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestDecodeThreadPost checks the fast decoder against encoding/json on
// hand-picked shapes and on random stored messages.
func TestDecodeThreadPost(t *testing.T) {
	cases := []struct {
		name, in string
		wantErr  bool
	}{
		{"stored", `{"id":"1","replyTo":"0","type":"message","created":"2026-03-02T09:04:05.123Z","modified":"2026-03-02T09:04:05Z","fromId":"u1","fromName":"Li \"Lei\"","attachments":[{"id":"a","contentType":"x","name":"}]{"}]}`, false},
		{"no optional", `{"id":"1","type":"systemEventMessage","created":"2026-03-02T09:04:05Z"}`, false},
		{"zone offset", `{"id":"1","type":"message","created":"2026-03-02T09:04:05.5+05:30","fromId":"u"}`, false},
		{"spaces", " {\n \"id\" : \"1\" ,\t\"created\":\"2026-03-02T09:04:05Z\" } ", false},
		{"escaped id", `{"id":"a\"b","type":"message","created":"2026-03-02T09:04:05Z"}`, false},
		{"unicode escape", `{"id":"\u4ed8","fromId":"\u00e9","created":"2026-03-02T09:04:05Z"}`, false},
		{"null strings", `{"id":null,"replyTo":null,"created":"2026-03-02T09:04:05Z"}`, false},
		{"other case key", `{"ID":"x","Type":"message","created":"2026-03-02T09:04:05Z"}`, false},
		{"duplicate key", `{"id":"x","id":"y","created":"2026-03-02T09:04:05Z"}`, false},
		{"nested", `{"mentions":[{"a":[1,-2.5e3,true,false,null,{"b":"\\"}]}],"id":"n","created":"2026-03-02T09:04:05Z"}`, false},
		{"empty", `{}`, false},
		{"loose time", `{"id":"1","created":"2026-3-2T9:04:05Z"}`, true},
		{"truncated", `{"id":"1","created":"2026-03-02T09:04:05Z"`, true},
		{"not an object", `["id"]`, true},
		{"bad value", `{"id":"1","x":tru}`, true},
		{"trailing garbage", `{"id":"1"} x`, true},
		{"number id", `{"id":12}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareThreadPost(t, []byte(c.in), c.wantErr)
		})
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		m := randomStoredMessage(r)
		v, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var fast ThreadPost
		if err := scanThreadPost(v, &fast); err != nil && !strings.ContainsAny(m.ID+m.ReplyTo+m.Type+m.FromID, "\"\\<>&\t\u2028") {
			t.Errorf("message %d took the slow path: %s", i, v)
		}
		compareThreadPost(t, v, false)
	}
}

func compareThreadPost(t *testing.T, v []byte, wantErr bool) {
	t.Helper()
	var want, got ThreadPost
	errWant := json.Unmarshal(v, &want)
	errGot := decodeThreadPost(v, &got)
	if (errWant != nil) != wantErr || (errGot != nil) != wantErr {
		t.Fatalf("%s: encoding/json error %v, decodeThreadPost error %v, want error %v", v, errWant, errGot, wantErr)
	}
	if errWant == nil && !(got.ID == want.ID && got.ReplyTo == want.ReplyTo && got.Type == want.Type &&
		got.FromID == want.FromID && got.Created.Equal(want.Created) && got.Created.Location().String() == want.Created.Location().String()) {
		t.Fatalf("%s:\n got %+v\nwant %+v", v, got, want)
	}
}

func randomStoredMessage(r *rand.Rand) Message {
	words := []string{"", "a", "付款", "l'été", `say "hi"`, `back\slash`, "<b>&</b>", "tab\t", "ünï", "\u2028", "}{][", "19:abc@thread.v2"}
	w := func() string { return words[r.IntN(len(words))] }
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
	if r.IntN(3) == 0 {
		at = at.In(time.FixedZone("", (r.IntN(25)-12)*1800))
	}
	m := Message{ID: "m" + w(), ReplyTo: w(), Type: []string{"message", "systemEventMessage", ""}[r.IntN(3)], Created: at,
		Modified: at.Add(time.Minute), Subject: w(), FromID: w(), FromName: w(), Event: w(), ETag: w()}
	if r.IntN(2) == 0 {
		e := at.Add(time.Hour)
		m.Edited = &e
	}
	for range r.IntN(3) {
		m.Attachments = append(m.Attachments, Attachment{ID: w(), ContentType: w(), Name: w(), URL: w()})
		m.Mentions = append(m.Mentions, Mention{})
		m.Hosted = append(m.Hosted, w())
	}
	return m
}

// FuzzDecodeThreadPost: on any valid JSON, the fast decoder answers what
// encoding/json answers.
func FuzzDecodeThreadPost(f *testing.F) {
	f.Add([]byte(`{"id":"1","replyTo":"0","type":"message","created":"2026-03-02T09:04:05.123Z","fromId":"u1","attachments":[{"name":"x"}]}`))
	f.Add([]byte(`{"id":"a\"b","created":"2026-03-02T09:04:05+01:00"}`))
	f.Add([]byte(`{"ID":null,"x":[1,{"y":"\\"}]}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		if !json.Valid(v) {
			var p ThreadPost
			_ = decodeThreadPost(v, &p) // must not panic
			return
		}
		var want, got ThreadPost
		errWant := json.Unmarshal(v, &want)
		errGot := decodeThreadPost(v, &got)
		if (errWant == nil) != (errGot == nil) {
			t.Fatalf("%q: encoding/json error %v, decodeThreadPost error %v", v, errWant, errGot)
		}
		if errWant == nil && !(got.ID == want.ID && got.ReplyTo == want.ReplyTo && got.Type == want.Type &&
			got.FromID == want.FromID && got.Created.Equal(want.Created)) {
			t.Fatalf("%q:\n got %+v\nwant %+v", v, got, want)
		}
	})
}
