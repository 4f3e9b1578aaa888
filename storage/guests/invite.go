package guests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapport-app/rapport/storage/accounts"
)

// Invitation file formats.
const (
	FormatEntra = "entra" // Entra's bulk-invite template: version:v1.0, then its headers
	FormatPlain = "plain" // email,name,team[,channel][,message]
)

// Row error codes (InviteRow.Errors).
const (
	RowMissing   = "missing"   // no e-mail address
	RowSyntax    = "syntax"    // not an e-mail address
	RowDuplicate = "duplicate" // the same address earlier in the file
	RowMember    = "member"    // already a member of the team (or channel)
	RowInvited   = "invited"   // already invited, not accepted yet
	RowUnmapped  = "unmapped"  // the domain maps to no customer account
	RowTeam      = "team"      // no such team
	RowChannel   = "channel"   // no such private channel in the team
	RowTooLong   = "too-long"  // a field over its limit
)

// MaxInviteRows bounds an invitation file.
const MaxInviteRows = 10000

// ErrInviteFile is returned for a file that cannot be read as an
// invitation list at all (the rows' own problems are row errors).
var ErrInviteFile = errors.New("not an invitation file")

// InviteRow is one row of an invitation file.
type InviteRow struct {
	Line        int      `json:"line"` // 1-based line of the file
	Email       string   `json:"email"`
	Name        string   `json:"name,omitempty"`
	Team        string   `json:"team,omitempty"`
	Channel     string   `json:"channel,omitempty"`
	Message     string   `json:"message,omitempty"`
	RedirectURL string   `json:"redirectUrl,omitempty"`
	SendEmail   bool     `json:"sendEmail"`
	Account     string   `json:"account,omitempty"` // the customer the address maps to
	Errors      []string `json:"errors"`
}

// InviteFile is a parsed invitation file.
type InviteFile struct {
	Format    string      `json:"format"`
	Delimiter string      `json:"delimiter"`
	Rows      []InviteRow `json:"rows"`
}

// Entra template columns, by the key in brackets in their headers.
var entraKeys = map[string]string{
	"inviteeemail": "email", "inviteredirecturl": "redirect", "sendemail": "send",
	"customizedmessagebody": "message", "inviteename": "name",
}

// ParseInvites reads an invitation file: Entra's bulk-invite template or
// a plain email,name,team[,channel][,message] list (with or without that
// header), UTF-8 with or without a BOM, separated by ',' or ';', quoted
// as CSV. Rows are not validated against the roster (see CheckInvites), only
// read; a blank row is skipped. Nothing is sent.
func ParseInvites(r io.Reader) (InviteFile, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err != nil {
		return InviteFile{}, fmt.Errorf("read invitation file: %w", err)
	}
	if len(raw) > 16<<20 {
		return InviteFile{}, fmt.Errorf("%w: over 16 MiB", ErrInviteFile)
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	if !utf8.Valid(raw) {
		return InviteFile{}, fmt.Errorf("%w: not UTF-8 text (save it as CSV UTF-8)", ErrInviteFile)
	}
	f := InviteFile{Format: FormatPlain, Delimiter: ",", Rows: []InviteRow{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64*1024), len(raw)+1)
	first := ""
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			first = sc.Text()
			break
		}
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(first)), "version:v1.0") {
		f.Format = FormatEntra
		if sc.Scan() {
			first = sc.Text()
		} else {
			first = ""
		}
	}
	if delim(first) == ';' {
		f.Delimiter = ";"
	}
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = rune(f.Delimiter[0])
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var cols map[string]int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return InviteFile{}, fmt.Errorf("%w: %w", ErrInviteFile, err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if f.Format == FormatEntra && cols == nil && strings.HasPrefix(strings.ToLower(strings.TrimSpace(rec[0])), "version:") {
			continue
		}
		if cols == nil {
			if cols = header(rec, f.Format); cols != nil {
				continue
			}
			if f.Format == FormatEntra {
				return InviteFile{}, fmt.Errorf("%w: line %d: Entra's template needs its header row ([inviteeEmail], [inviteRedirectURL], …)", ErrInviteFile, line)
			}
			cols = map[string]int{"email": 0, "name": 1, "team": 2, "channel": 3, "message": 4}
		}
		if f.Format == FormatEntra && strings.HasPrefix(strings.ToLower(strings.TrimSpace(rec[0])), "example") {
			continue // the template's example row
		}
		if len(f.Rows) >= MaxInviteRows {
			return InviteFile{}, fmt.Errorf("%w: more than %d rows", ErrInviteFile, MaxInviteRows)
		}
		get := func(k string) string {
			if i, ok := cols[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := InviteRow{Line: line, Email: get("email"), Name: get("name"), Team: get("team"), Channel: get("channel"),
			Message: get("message"), RedirectURL: get("redirect"), SendEmail: true, Errors: []string{}}
		if s := strings.ToLower(get("send")); s == "false" || s == "no" || s == "0" {
			row.SendEmail = false
		}
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

// delim guesses a line's separator: ';' when it has more of them than
// commas outside quotes.
func delim(line string) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// header reads a header row, or returns nil when rec is data.
func header(rec []string, format string) map[string]int {
	cols := map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		if format == FormatEntra {
			if a, b := strings.LastIndexByte(h, '['), strings.LastIndexByte(h, ']'); a >= 0 && b > a {
				if k, ok := entraKeys[h[a+1:b]]; ok {
					cols[k] = i
				}
			}
			continue
		}
		switch h {
		case "email", "e-mail", "mail", "email address":
			cols["email"] = i
		case "name", "display name":
			cols["name"] = i
		case "team":
			cols["team"] = i
		case "channel":
			cols["channel"] = i
		case "message":
			cols["message"] = i
		}
	}
	if _, ok := cols["email"]; !ok {
		return nil
	}
	return cols
}

// CheckInvites validates a parsed file against the stored roster and
// the domain → account mapping (see validate), and returns how many
// rows are valid.
func CheckInvites(ctx context.Context, db Store, now time.Time, f *InviteFile) (int, error) {
	r, err := Read(ctx, db, now, Query{})
	if err != nil {
		return 0, err
	}
	dir, err := accounts.Read(ctx, db, r.Settings.Domains)
	if err != nil {
		return 0, err
	}
	return validate(f, r, dir.Of), nil
}

// validate checks each row against the roster: address syntax,
// duplicates in the file, an existing member of the team, a pending
// invitation, a domain no customer claims, the team and private channel
// named. It fills Account and Errors, and returns how many rows are
// valid. Nothing is sent.
func validate(f *InviteFile, r Roster, dir func(email string) string) int {
	seen := map[string]int{}
	pending := map[string]bool{}
	for _, g := range r.Guests {
		if g.State == StatePending && g.Email != "" {
			pending[strings.ToLower(g.Email)] = true
		}
	}
	ok := 0
	for i := range f.Rows {
		row := &f.Rows[i]
		row.Errors = []string{}
		add := func(code string) { row.Errors = append(row.Errors, code) }
		mailAddr := strings.ToLower(row.Email)
		switch {
		case row.Email == "":
			add(RowMissing)
		case !validAddress(row.Email):
			add(RowSyntax)
		default:
			k := mailAddr + "\x00" + strings.ToLower(row.Team) + "\x00" + strings.ToLower(row.Channel)
			if _, dup := seen[k]; dup {
				add(RowDuplicate)
			}
			seen[k] = row.Line
			if pending[mailAddr] {
				add(RowInvited)
			}
			if row.Account = dir(mailAddr); row.Account == "" {
				add(RowUnmapped)
			}
		}
		if len(row.Name) > 256 || len(row.Message) > 4000 || len(row.Email) > 254 {
			add(RowTooLong)
		}
		if row.Team != "" {
			tc, err := findContainer(r.Containers, row.Team, "", false)
			switch {
			case err != nil:
				add(RowTeam)
			case row.Channel != "":
				cc, err := findContainer(r.Containers, row.Channel, tc.TeamID, true)
				if err != nil {
					add(RowChannel)
				} else if hasEmail(cc.People, mailAddr) {
					add(RowMember)
				}
			case hasEmail(tc.People, mailAddr):
				add(RowMember)
			}
		}
		if len(row.Errors) == 0 {
			ok++
		}
	}
	return ok
}

func hasEmail(ps []Person, mailAddr string) bool {
	for _, p := range ps {
		if p.Email != "" && strings.EqualFold(p.Email, mailAddr) {
			return true
		}
	}
	return false
}

// validAddress accepts a bare address (no display name, no angle
// brackets) with a dotted domain.
func validAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	d := s[at+1:]
	return at > 0 && strings.Contains(d, ".") && !strings.HasPrefix(d, ".") && !strings.HasSuffix(d, ".") && !strings.ContainsAny(s, " \t\r\n")
}
