package metrics

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/accounts"
)

// Conversation kinds.
const (
	KindChat    = "chat"
	KindChannel = "channel"
)

// directory is what the metrics read besides messages: who is who, which
// conversation is which, the accounts, their cases, and links.
type directory struct {
	gen      uint64 // the store's NamesGeneration when read
	me       string
	org      map[string]bool   // organisation members by user id
	guests   map[string]bool   // guests (and guest-role members) by user id
	names    map[string]string // user id → display name
	emails   map[string]string // user id → e-mail, lower case
	convs    map[string]convInfo
	teams    map[string]string // team id → name
	accounts *accounts.Map     // who belongs to which account (storage/accounts)

	convAccount map[string]string // chat id → linked account id
	cases       []caseRow
}

type convInfo struct {
	kind, team, name string
}

type caseRow struct {
	account          string
	opened, resolved time.Time // zero: not known / not resolved
}

// readDirectory reads the directory; overrides maps e-mail domains to
// accounts over the accounts' own.
func readDirectory(ctx context.Context, db Store, overrides map[string]string) (*directory, error) {
	d := &directory{gen: db.NamesGeneration(), org: map[string]bool{}, guests: map[string]bool{}, names: map[string]string{},
		emails: map[string]string{}, convs: map[string]convInfo{}, teams: map[string]string{}, convAccount: map[string]string{}}
	var err error
	if d.me, err = db.Me(ctx); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("read the signed-in user: %w", err)
	}
	users, err := db.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	orgDomains := map[string]bool{}
	for _, u := range users {
		d.names[u.ID] = u.DisplayName
		mail := strings.ToLower(u.Mail)
		if mail != "" {
			d.emails[u.ID] = mail
		}
		if u.UserType == "Guest" {
			d.guests[u.ID] = true
			continue
		}
		d.org[u.ID] = true
		for _, a := range []string{u.Mail, u.UPN} {
			if dom := accounts.DomainOf(a); dom != "" {
				orgDomains[dom] = true
			}
		}
	}
	if d.me != "" {
		d.org[d.me] = true
	}
	teams, err := db.Teams(ctx)
	if err != nil {
		return nil, fmt.Errorf("read teams: %w", err)
	}
	for _, t := range teams {
		d.teams[t.ID] = t.Name
	}
	channels, err := db.Channels(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("read channels: %w", err)
	}
	for _, ch := range channels {
		d.convs[ch.ID] = convInfo{kind: KindChannel, team: ch.TeamID, name: d.teams[ch.TeamID] + " / " + ch.Name}
	}
	chats, err := db.Chats(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chats: %w", err)
	}
	// Members of every team, channel and chat: colleagues are known
	// only from them (the directory holds the user and the guests).
	chatMembers := map[string][]storage.Member{}
	containers := make([]string, 0, len(teams)+len(channels)+len(chats))
	for _, t := range teams {
		containers = append(containers, t.ID)
	}
	for _, ch := range channels {
		containers = append(containers, ch.ID)
	}
	for _, c := range chats {
		containers = append(containers, c.ID)
	}
	var members []storage.Member
	for _, id := range containers {
		ms, err := db.Members(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("read members of %s: %w", id, err)
		}
		members = append(members, ms...)
	}
	for _, m := range members {
		if m.UserID == "" {
			continue
		}
		chatMembers[m.ContainerID] = append(chatMembers[m.ContainerID], m)
		if _, ok := d.names[m.UserID]; !ok && m.DisplayName != "" {
			d.names[m.UserID] = m.DisplayName
		}
		if _, ok := d.emails[m.UserID]; !ok && m.Email != "" {
			d.emails[m.UserID] = strings.ToLower(m.Email)
		}
		switch {
		case m.Role() == "guest":
			d.guests[m.UserID] = true
		case !d.guests[m.UserID] && (len(orgDomains) == 0 || m.Email == "" || orgDomains[accounts.DomainOf(m.Email)]):
			// A member of one of our teams or chats without the guest
			// role, on our domain: a colleague.
			d.org[m.UserID] = true
		}
	}
	for id := range d.guests {
		delete(d.org, id) // a guest anywhere is a guest
	}
	if d.me != "" {
		d.org[d.me] = true
	}
	for _, c := range chats {
		name := c.Topic
		if name == "" {
			var who []string
			for _, m := range chatMembers[c.ID] {
				if m.UserID != d.me {
					who = append(who, d.names[m.UserID])
				}
			}
			name = strings.Join(who, ", ")
		}
		d.convs[c.ID] = convInfo{kind: KindChat, name: name}
	}
	if err := d.readAccounts(ctx, db, overrides); err != nil {
		return nil, err
	}
	return d, nil
}

// readAccounts reads accounts, contacts, cases and Dynamics' chat links.
func (d *directory) readAccounts(ctx context.Context, db Store, overrides map[string]string) error {
	read := func(set string) ([]storage.Record, error) {
		rs, err := db.Records(ctx, set)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", set, err)
		}
		return rs, nil
	}
	var err error
	if d.accounts, err = accounts.Read(ctx, db, overrides); err != nil {
		return err
	}
	cases, err := read("incidents")
	if err != nil {
		return err
	}
	caseAccount := map[string]string{}
	for _, r := range cases {
		acc, _ := r.Fields["_customerid_value"].(string)
		caseAccount[strings.ToLower(r.ID)] = acc
		if r.Deleted != nil || acc == "" {
			continue
		}
		row := caseRow{account: acc, opened: dvTime(r.Fields["createdon"])}
		if st, _ := r.Fields["statecode"].(float64); st == 1 {
			row.resolved = dvTime(r.Fields["modifiedon"])
			if row.resolved.IsZero() {
				row.resolved = r.Modified
			}
		}
		d.cases = append(d.cases, row)
	}
	links, err := read("chats")
	if err != nil {
		return err
	}
	for _, r := range links {
		chat, _ := r.Fields["teamschatid"].(string)
		rec, _ := r.Fields["_regardingobjectid_value"].(string)
		typ, _ := r.Fields["regardingobjecttypecode"].(string)
		if r.Deleted != nil || chat == "" || rec == "" {
			continue
		}
		if st, ok := r.Fields["statecode"].(float64); ok && st != 0 {
			continue // an unlinked row
		}
		acc := ""
		switch typ {
		case "account":
			acc = rec
		case "incident":
			acc = caseAccount[strings.ToLower(rec)]
		}
		if acc != "" && (d.convAccount[chat] == "" || typ == "account") {
			d.convAccount[chat] = acc
		}
	}
	return nil
}

// dvTime reads a Dataverse date-time column.
func dvTime(v any) time.Time {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// role is what a message's author is to the metrics.
type role uint8

const (
	roleNone     role = iota // a bot, a connector, a system event: never starts or ends a wait
	roleCustomer             // a guest or another outsider
	roleMember               // one of the organisation's people
)

func (d *directory) role(userID string) role {
	switch {
	case userID == "":
		return roleNone
	case d.org[userID]:
		return roleMember
	}
	return roleCustomer
}

// accountOf is the CRM account of a customer ("" when none is known).
func (d *directory) accountOf(userID string) string {
	return d.accounts.Of(d.emails[userID])
}
