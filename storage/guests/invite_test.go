package guests_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/storage/guests"
	"github.com/rapport-app/rapport/storage/storagetest"
)

const entraTemplate = "version:v1.0\n" +
	"Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]\n" +
	"Example:,https://myapps.microsoft.com,true,Welcome\n" +
	"zoe@contoso.com,https://myapps.microsoft.com,false,\"Bonjour, bienvenue\"\n" +
	"\n" +
	"yan@fabrikam.fr,https://myapps.microsoft.com,,\n"

func TestParseInvites(t *testing.T) {
	tests := []struct {
		name, in     string
		format, sep  string
		emails       []string
		names, teams []string
		err          error
	}{
		{"plain with header", "email,name,team\nzoe@contoso.com,Zoe,Contoso Support\n", guests.FormatPlain, ",",
			[]string{"zoe@contoso.com"}, []string{"Zoe"}, []string{"Contoso Support"}, nil},
		{"BOM, semicolons, CRLF", "\ufeffemail;name;team;channel;message\r\nzoe@contoso.com;Zoé;Contoso Support;;Salut\r\n", guests.FormatPlain, ";",
			[]string{"zoe@contoso.com"}, []string{"Zoé"}, []string{"Contoso Support"}, nil},
		{"quoted commas", "email,name,team\nzoe@contoso.com,\"Zhang, Zoe\",\"Support, Contoso\"\n", guests.FormatPlain, ",",
			[]string{"zoe@contoso.com"}, []string{"Zhang, Zoe"}, []string{"Support, Contoso"}, nil},
		{"quoted semicolons", "email;name;team\nzoe@contoso.com;\"Zhang; Zoe\";T\n", guests.FormatPlain, ";",
			[]string{"zoe@contoso.com"}, []string{"Zhang; Zoe"}, []string{"T"}, nil},
		{"no header", "zoe@contoso.com,Zoe,T\nyan@fabrikam.fr,Yan,T\n", guests.FormatPlain, ",",
			[]string{"zoe@contoso.com", "yan@fabrikam.fr"}, []string{"Zoe", "Yan"}, []string{"T", "T"}, nil},
		{"headers in another order", "team,email\nT,zoe@contoso.com\n", guests.FormatPlain, ",",
			[]string{"zoe@contoso.com"}, []string{""}, []string{"T"}, nil},
		{"Entra's template", entraTemplate, guests.FormatEntra, ",",
			[]string{"zoe@contoso.com", "yan@fabrikam.fr"}, []string{"", ""}, []string{"", ""}, nil},
		{"Entra's template with BOM and a name column", "\ufeffversion:v1.0,,\nName of invitee [inviteeName],Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required\nZoe,zoe@contoso.com,https://x.example\n",
			guests.FormatEntra, ",", []string{"zoe@contoso.com"}, []string{"Zoe"}, []string{""}, nil},
		{"Entra without headers", "version:v1.0\nzoe@contoso.com,https://x\n", "", "", nil, nil, nil, guests.ErrInviteFile},
		{"bare quote", "email,name\nzoe@contoso.com,Zo\"e\"x\n", "", "", nil, nil, nil, guests.ErrInviteFile},
		{"not UTF-8", "email\n\xff\xfe@x.com\n", "", "", nil, nil, nil, guests.ErrInviteFile},
		{"empty", "", guests.FormatPlain, ",", nil, nil, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := guests.ParseInvites(strings.NewReader(tc.in))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var emails, names, teams []string
			for _, r := range f.Rows {
				emails, names, teams = append(emails, r.Email), append(names, r.Name), append(teams, r.Team)
			}
			if f.Format != tc.format || f.Delimiter != tc.sep || !slices.Equal(emails, tc.emails) || !slices.Equal(names, tc.names) || !slices.Equal(teams, tc.teams) {
				t.Errorf("got %s %q %q %q %q, want %s %q %q %q %q", f.Format, f.Delimiter, emails, names, teams, tc.format, tc.sep, tc.emails, tc.names, tc.teams)
			}
		})
	}
	f, _ := guests.ParseInvites(strings.NewReader(entraTemplate))
	if f.Rows[0].SendEmail || !f.Rows[1].SendEmail || f.Rows[0].Message != "Bonjour, bienvenue" || f.Rows[0].Line != 4 || f.Rows[1].Line != 6 {
		t.Errorf("Entra rows %+v", f.Rows)
	}
}

func TestCheckInvites(t *testing.T) {
	db := storagetest.Open(t)
	seed(t, db, true)
	in := "email,name,team,channel\n" +
		"new@contoso.com,New,Contoso Support,\n" + // ok
		"NEW@contoso.com,New again,Contoso Support,\n" + // duplicate
		"new@contoso.com,New,Fabrikam Projet,\n" + // ok: another team
		"not-an-address,X,Contoso Support,\n" + // syntax
		"\"Zoe <zoe@contoso.com>\",Zoe,Contoso Support,\n" + // syntax: a display name
		"ann@contoso.com,Ann,Contoso Support,\n" + // member
		"cat@contoso.com,Cat,Fabrikam Projet,\n" + // invited (pending)
		"someone@elsewhere.example,S,Contoso Support,\n" + // unmapped
		"eve2@fabrikam.fr,E,Nope,\n" + // team
		"eve2@fabrikam.fr,E,Fabrikam Projet,General\n" + // channel (not private)
		"ann@contoso.com,Ann,Fabrikam Projet,Contrat\n" + // member of the channel
		",Nobody,Contoso Support,\n" // missing
	f, err := guests.ParseInvites(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	n, err := guests.CheckInvites(ctx, db, now, &f)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{}, {guests.RowDuplicate}, {}, {guests.RowSyntax}, {guests.RowSyntax}, {guests.RowMember}, {guests.RowInvited},
		{guests.RowUnmapped}, {guests.RowTeam}, {guests.RowChannel}, {guests.RowMember}, {guests.RowMissing}}
	if len(f.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(f.Rows), len(want))
	}
	for i, r := range f.Rows {
		if !slices.Equal(r.Errors, want[i]) {
			t.Errorf("line %d (%s): errors %v, want %v", r.Line, r.Email, r.Errors, want[i])
		}
	}
	if n != 2 {
		t.Errorf("%d valid rows, want 2", n)
	}
	if f.Rows[0].Account != "acc-a" {
		t.Errorf("account %q", f.Rows[0].Account)
	}
}

// FuzzParseInvites: any input parses or fails with ErrInviteFile, never
// panics; rows are trimmed, numbered in order, bounded; and a plain file
// written from the rows reads back the same rows.
func FuzzParseInvites(f *testing.F) {
	for _, s := range []string{
		entraTemplate,
		"\ufeffemail;name;team;channel;message\r\nzoe@contoso.com;Zoé;T;C;\"a;b\"\r\n",
		"email,name,team\nzoe@contoso.com,\"Zhang, Zoe\",\"T, U\"\n",
		"zoe@contoso.com\n\n\nyan@x.fr,,,,\n",
		"version:v1.0\nName of invitee [inviteeName],Email address to invite [inviteeEmail] Required\nZ,z@x.fr\n",
		"email\n\"unterminated\n",
		"=cmd|' /C calc'!A0,@SUM(1),+1,-1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		file, err := guests.ParseInvites(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, guests.ErrInviteFile) {
				t.Fatalf("error not ErrInviteFile: %v", err)
			}
			return
		}
		if len(file.Rows) > guests.MaxInviteRows {
			t.Fatalf("%d rows", len(file.Rows))
		}
		last := 0
		for _, r := range file.Rows {
			if r.Line < 1 || r.Line < last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			for _, v := range []string{r.Email, r.Name, r.Team, r.Channel, r.Message} {
				if v != strings.TrimSpace(v) {
					t.Fatalf("untrimmed %q", v)
				}
			}
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{"email", "name", "team", "channel", "message"})
		var kept []guests.InviteRow
		for _, r := range file.Rows {
			rec := []string{r.Email, r.Name, r.Team, r.Channel, r.Message}
			if strings.ContainsAny(strings.Join(rec, ""), "\r") || strings.Join(rec, "") == "" {
				continue // CSV readers fold CR LF; an all-empty row is blank
			}
			kept = append(kept, r)
			_ = w.Write(rec)
		}
		w.Flush()
		again, err := guests.ParseInvites(&buf)
		if err != nil {
			t.Fatalf("re-reading written rows: %v", err)
		}
		if len(again.Rows) != len(kept) {
			t.Fatalf("%d rows read back, want %d", len(again.Rows), len(kept))
		}
		for i, r := range again.Rows {
			k := kept[i]
			if fmt.Sprint(r.Email, r.Name, r.Team, r.Channel, r.Message) != fmt.Sprint(k.Email, k.Name, k.Team, k.Channel, k.Message) {
				t.Fatalf("row %d read back %+v, want %+v", i, r, k)
			}
		}
	})
}
