package search

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func terms(text string) []string {
	var out []string
	for _, t := range Analyze(text) {
		out = append(out, t.Term)
	}
	return out
}

func TestAnalyzer(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Payments", []string{"payment"}},
		{"the second payment of the year", []string{"second", "payment", "year"}},
		{"ＰＡＹＭＥＮＴ", []string{"payment"}},
		{"l'échéance", []string{"echeanc"}},
		{"qu’il", []string{"il"}[:0]}, // elided, then a stop word
		{"Échéance ECHEANCE echeance", []string{"echeanc", "echeanc", "echeanc"}},
		{"œuvre", []string{"oeuvr"}},
		{"华东付款", []string{"华东", "东付", "付款"}},
		{"付", []string{"付"}},
		{"付款 payment paiement", []string{"付款", "payment", "paiement"}},
		{"QBR_Northwind.pptx", []string{"qbr", "northwind", "pptx"}},
		{"version 3.5 of foo.bar", []string{"version", "3.5", "foo", "bar"}},
		{"CAS-01000-EA0197", []string{"cas", "01000", "ea0197"}},
		{"Lefèvre's order", []string{"lefevr", "order"}},
	}
	for _, tt := range tests {
		got := terms(tt.in)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDateTerms(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		from, to time.Time
		want     string
	}{
		{at("2026-03-01 00"), at("2026-04-01 00"), "mo:202603"},
		{at("2026-01-01 00"), at("2027-01-01 00"), "y:2026"},
		{at("2026-03-18 22"), at("2026-03-20 00"), "h:2026031822 h:2026031823 d:20260319"},
		{at("2025-12-31 23"), at("2026-02-02 01"), "h:2025123123 mo:202601 d:20260201 h:2026020200"},
		{time.Time{}, at("2000-01-01 02"), "h:2000010100 h:2000010101"},
		{at("2026-03-18 10"), at("2026-03-18 10"), ""},
	}
	for _, tt := range tests {
		if got := strings.Join(dateTerms(tt.from, tt.to), " "); got != tt.want {
			t.Errorf("dateTerms(%v, %v) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	// Bounds inside an hour round outward, so no message in range is lost.
	got := dateTerms(at("2026-03-18 10").Add(30*time.Minute), at("2026-03-18 11").Add(30*time.Minute))
	if strings.Join(got, " ") != "h:2026031810 h:2026031811" {
		t.Errorf("partial hours: %q", got)
	}
}

func TestSnippet(t *testing.T) {
	c := &compiled{terms: map[string]bool{"payment": true, "付款": true, "erreur": true}, prefixes: []string{"inv"}}
	tests := []struct {
		text string
		want string // hits in [brackets]
	}{
		{"The second Payment is due", "The second [Payment] is due"},
		{"请安排第二期付款，谢谢", "请安排第二期[付款]，谢谢"},
		{"Invoice and payments", "[Invoice] and [payments]"},
		{"nothing here", "nothing here"},
		{strings.Repeat("word ", 80) + "payment here", "…" + strings.Repeat("word ", 12) + "[payment] here"},
		// The window's end falls inside a marked word: the word is whole.
		{"payment " + strings.Repeat("x", 224) + " Invoices later", "[payment] " + strings.Repeat("x", 224) + " [Invoices]…"},
		// An elision with a curly apostrophe (three bytes, one once folded).
		{"code d’erreur, L’ERREUR", "code d’[erreur], L’[ERREUR]"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, f := range snippet(tt.text, c) {
			if f.Hit {
				b.WriteString("[" + f.T + "]")
			} else {
				b.WriteString(f.T)
			}
		}
		if b.String() != tt.want {
			t.Errorf("snippet(%q) = %q, want %q", tt.text, b.String(), tt.want)
		}
	}
}
