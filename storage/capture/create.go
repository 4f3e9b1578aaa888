package capture

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/content"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/storage/links"
)

// TargetRange names messages FIRST to LAST of a conversation as a source:
// range/CONV/FIRST/LAST.
const TargetRange = "range"

// maxRange is how many messages a range may span.
const maxRange = 200

// Dataverse's column lengths Rapport writes into.
const (
	maxTitle       = 200   // incident.title, task.subject, annotation.subject
	maxDescription = 2000  // incident.description, task.description
	maxNote        = 50000 // annotation.notetext (Dataverse allows 100,000)
)

// Priorities a request names ("" is normal).
var (
	casePriority = map[string]int{"high": 1, "normal": 2, "low": 3}
	taskPriority = map[string]int{"high": 2, "normal": 1, "low": 0}
)

// CaseRequest asks for a case made from messages.
type CaseRequest struct {
	From     string `json:"from"`     // message/CONV/MSG, thread/CHANNEL/ROOT or range/CONV/FIRST/LAST
	Title    string `json:"title"`    // required
	Customer string `json:"customer"` // an account or contact: a name, an e-mail, an id or SET:ID
	Priority string `json:"priority"` // high, normal (default) or low
	// Description replaces the messages' text when not empty.
	Description string `json:"description,omitempty"`
}

// TaskRequest asks for a follow-up task regarding a record.
type TaskRequest struct {
	Record   string `json:"record"`  // a case number, a name, an e-mail or SET:ID
	Subject  string `json:"subject"` // required
	Due      string `json:"due,omitempty"`
	Priority string `json:"priority,omitempty"`
	From     string `json:"from,omitempty"` // messages for its description
}

// NoteRequest asks for a note on a record holding messages.
type NoteRequest struct {
	Record string `json:"record"`
	From   string `json:"from"`
	Title  string `json:"title,omitempty"`
	// File attaches the messages as a Markdown file instead of the note's
	// text.
	File bool `json:"file,omitempty"`
}

// Created is what a create queued: the operation, the new record, the
// record it regards (tasks and notes) and the target its case was linked
// to.
type Created struct {
	Op        storage.Op       `json:"op"`
	Set       string           `json:"set"`
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Regarding *links.RecordRef `json:"regarding,omitempty"`
	Customer  *links.RecordRef `json:"customer,omitempty"`
	LinkedTo  string           `json:"linkedTo,omitempty"`
}

// CreateCase queues a case made from messages, linked to its chat (or,
// in a channel, to its thread or first message, in Rapport) in the same
// transaction. The case number is Dynamics' once the push lands.
func (s *Service) CreateCase(ctx context.Context, r CaseRequest) (Created, error) {
	title := strings.TrimSpace(r.Title)
	if title == "" {
		return Created{}, fmt.Errorf("%w: a case needs a title (Dynamics 365 requires one)", ErrInvalid)
	}
	prio, ok := casePriority[strings.ToLower(cmp.Or(r.Priority, "normal"))]
	if !ok {
		return Created{}, fmt.Errorf("%w: priority %q (high, normal or low)", ErrInvalid, r.Priority)
	}
	if strings.TrimSpace(r.Customer) == "" {
		return Created{}, fmt.Errorf("%w: a case needs a customer, an account or a contact (Dataverse requires customerid)", ErrInvalid)
	}
	src, err := s.source(ctx, r.From)
	if err != nil {
		return Created{}, err
	}
	cust, err := s.ref.Resolve(ctx, "", "", r.Customer, links.AmongLive)
	if err != nil {
		return Created{}, err
	}
	if cust.Set != "accounts" && cust.Set != "contacts" {
		return Created{}, fmt.Errorf("%w: a case's customer is an account or a contact, not %s %q", ErrInvalid, cust.Set, cust.Title)
	}
	cs, _ := crm.Lookup(cust.Set)
	desc := cmp.Or(strings.TrimSpace(r.Description), src.text)
	row := map[string]any{
		"title":                      clip(title, maxTitle),
		"description":                clip(desc, maxDescription),
		"prioritycode":               prio,
		crm.CustomerBind(cs.Logical): crm.Bind(cust.Set, cust.ID),
	}
	op, err := s.queue(ctx, storage.Op{Set: crm.CaseSet, Subject: clip(title, maxTitle), ChatID: src.target, Row: row}, src.linkTo)
	if err != nil {
		return Created{}, err
	}
	return Created{Op: op, Set: op.Set, ID: op.RecordID, Title: op.Subject, Customer: &cust, LinkedTo: src.linkTo}, nil
}

// Customers suggests a case's customer for messages: the accounts and
// contacts suggested for linking them (the chat's contacts, an outside
// member's e-mail domain), and the customer of a case whose number they
// mention.
func (s *Service) Customers(ctx context.Context, from string) ([]links.Suggestion, error) {
	kind, _, _ := strings.Cut(from, "/")
	target := from
	if kind == TargetRange { // suggestions are for a message: the range's first
		parts := strings.Split(strings.TrimPrefix(from, TargetRange+"/"), "/")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%w: a range is range/CONV/FIRST/LAST", ErrInvalid)
		}
		target = storage.MessageTarget(parts[0], parts[1])
	}
	sug, err := s.ref.Suggest(ctx, target)
	if err != nil {
		return nil, err
	}
	out := []links.Suggestion{}
	seen := map[string]bool{}
	add := func(sg links.Suggestion) {
		if k := sg.Card.Set + "/" + strings.ToLower(sg.Card.ID); !seen[k] {
			seen[k] = true
			out = append(out, sg)
		}
	}
	for _, sg := range sug {
		switch sg.Card.Set {
		case "accounts", "contacts":
			add(sg)
		case crm.CaseSet:
			r, err := s.db.Record(ctx, crm.CaseSet, sg.Card.ID)
			if err != nil {
				continue
			}
			id, _ := r.Fields["_customerid_value"].(string)
			for _, set := range []string{"accounts", "contacts"} {
				if c, err := s.db.Record(ctx, set, id); err == nil && id != "" && c.Deleted == nil {
					add(links.Suggestion{Card: links.RecordCard{Set: set, ID: c.ID, Title: crm.Title(set, c.Fields), Fields: []links.CardField{}},
						Why: links.WhyCaseNumber})
				}
			}
		}
	}
	return out, nil
}

// AddTask queues a follow-up task regarding a record (one made in Rapport
// too: the task waits for it).
func (s *Service) AddTask(ctx context.Context, r TaskRequest) (Created, error) {
	subject := strings.TrimSpace(r.Subject)
	if subject == "" {
		return Created{}, fmt.Errorf("%w: a task needs a subject", ErrInvalid)
	}
	prio, ok := taskPriority[strings.ToLower(cmp.Or(r.Priority, "normal"))]
	if !ok {
		return Created{}, fmt.Errorf("%w: priority %q (high, normal or low)", ErrInvalid, r.Priority)
	}
	var due string
	if r.Due != "" {
		t, err := parseDue(r.Due)
		if err != nil {
			return Created{}, err
		}
		due = t.UTC().Format(time.RFC3339)
	}
	var src source
	if r.From != "" {
		var err error
		if src, err = s.source(ctx, r.From); err != nil {
			return Created{}, err
		}
	}
	rec, after, err := s.record(ctx, r.Record)
	if err != nil {
		return Created{}, err
	}
	cs, _ := crm.Lookup(rec.Set)
	row := map[string]any{"subject": clip(subject, maxTitle), "prioritycode": prio, crm.TaskBind(cs.Logical): crm.Bind(rec.Set, rec.ID)}
	if src.text != "" {
		row["description"] = clip(src.text, maxDescription)
	}
	if due != "" {
		row["scheduledend"] = due
	}
	op, err := s.queue(ctx, storage.Op{Set: crm.TaskSet, Subject: row["subject"].(string), ChatID: src.target, Row: row, After: after}, "")
	if err != nil {
		return Created{}, err
	}
	return Created{Op: op, Set: op.Set, ID: op.RecordID, Title: op.Subject, Regarding: &rec}, nil
}

// AddNote queues a note on a record holding messages: as its text, or
// as a Markdown file attached to it.
func (s *Service) AddNote(ctx context.Context, r NoteRequest) (Created, error) {
	if r.From == "" {
		return Created{}, fmt.Errorf("%w: a note needs messages (--from)", ErrInvalid)
	}
	src, err := s.source(ctx, r.From)
	if err != nil {
		return Created{}, err
	}
	rec, after, err := s.record(ctx, r.Record)
	if err != nil {
		return Created{}, err
	}
	title := clip(cmp.Or(strings.TrimSpace(r.Title), "Teams conversation: "+src.first), maxTitle)
	cs, _ := crm.Lookup(rec.Set)
	row := map[string]any{"subject": title, crm.NoteBind(cs.Logical): crm.Bind(rec.Set, rec.ID)}
	if r.File {
		row["notetext"] = "The conversation is attached as a Markdown file (sent from Rapport)."
		row["filename"] = src.fileName()
		row["mimetype"] = "text/markdown"
		row["documentbody"] = base64.StdEncoding.EncodeToString([]byte(src.markdown(title)))
	} else {
		row["notetext"] = clip(src.text, maxNote)
	}
	op, err := s.queue(ctx, storage.Op{Set: crm.NoteSet, Subject: title, ChatID: src.target, Row: row, After: after}, "")
	if err != nil {
		return Created{}, err
	}
	return Created{Op: op, Set: op.Set, ID: op.RecordID, Title: title, Regarding: &rec}, nil
}

// queue gives the row its id and the user, and queues it.
func (s *Service) queue(ctx context.Context, op storage.Op, linkTo string) (storage.Op, error) {
	me, err := s.db.Me(ctx)
	if err != nil {
		return storage.Op{}, err
	}
	op.RecordID, op.By = storage.NewID(), me
	return s.db.QueueCreate(ctx, op, linkTo, s.now())
}

// record finds the record a task or note is for: one made in Rapport and
// not created yet (SET:ID; the create to wait for is after), or any the
// store holds.
func (s *Service) record(ctx context.Context, ref string) (rec links.RecordRef, after string, err error) {
	if strings.TrimSpace(ref) == "" {
		return links.RecordRef{}, "", fmt.Errorf("%w: name the record (a case number, a name, an e-mail or SET:ID)", ErrInvalid)
	}
	if set, id, ok := strings.Cut(ref, ":"); ok {
		ops, err := s.db.Outbox(ctx, storage.OpPending, storage.OpInFlight, storage.OpFailed, storage.OpConflict)
		if err != nil {
			return links.RecordRef{}, "", err
		}
		for _, op := range ops {
			if op.Kind == storage.OpCreate && op.Set == crm.SetNamed(set) && strings.EqualFold(op.RecordID, strings.TrimSpace(id)) {
				return links.RecordRef{Set: op.Set, ID: op.RecordID, Title: op.Subject, Match: "id"}, op.ID, nil
			}
		}
	}
	rec, err = s.ref.Resolve(ctx, "", "", ref, links.AmongLive)
	if err != nil {
		return links.RecordRef{}, "", err
	}
	if !crm.HasActivities(rec.Set) {
		return links.RecordRef{}, "", fmt.Errorf("%w: tasks and notes are for cases, accounts, contacts and opportunities, not %s %q", ErrInvalid, rec.Set, rec.Title)
	}
	return rec, "", nil
}

// source is the messages a request names.
type source struct {
	target string // as given
	linkTo string // what a case made from them is linked to
	first  string // the first message's text, for a title
	text   string // each message as "[time] author: text", oldest first
	msgs   []storage.MessageWithBody
}

// MessageReader is what Messages reads (*storage.DB).
type MessageReader interface {
	MessagesAround(ctx context.Context, convID, msgID string, n int, thread string) ([]storage.MessageWithBody, error)
}

// Messages reads the messages a target names, oldest first, with their
// conversation: one message (message/CONV/MSG), a channel thread, its
// root and replies (thread/CHANNEL/ROOT), or a range of a conversation
// (range/CONV/FIRST/LAST, at most 200 messages). Another target is
// ErrInvalid; a message the store does not hold is storage.ErrNotFound.
// Other rooms taking messages as a source (storage/knowledge) read them
// here.
func Messages(ctx context.Context, db MessageReader, target string) (conv string, msgs []storage.MessageWithBody, err error) {
	switch kind, rest, _ := strings.Cut(target, "/"); kind {
	case TargetRange:
		parts := strings.Split(rest, "/")
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			return "", nil, fmt.Errorf("%w: a range is range/CONV/FIRST/LAST", ErrInvalid)
		}
		conv = parts[0]
		around, err := db.MessagesAround(ctx, conv, parts[2], maxRange, "")
		if err != nil {
			return "", nil, fmt.Errorf("the range's last message: %w", err)
		}
		iFirst := slices.IndexFunc(around, func(m storage.MessageWithBody) bool { return m.ID == parts[1] })
		iLast := slices.IndexFunc(around, func(m storage.MessageWithBody) bool { return m.ID == parts[2] })
		if iFirst < 0 || iLast < 0 || iFirst < iLast {
			return "", nil, fmt.Errorf("%w: message %s is not among the %d before %s in %s (a range spans at most %d messages, oldest first)",
				ErrInvalid, parts[1], maxRange, parts[2], conv, maxRange)
		}
		for i := iFirst; i >= iLast; i-- { // newest first: walk back to oldest first
			msgs = append(msgs, around[i])
		}
		return conv, msgs, nil
	case storage.TargetThread, storage.TargetMessage:
		k, c, msg := storage.ParseTarget(target)
		if k == storage.TargetChat {
			return "", nil, fmt.Errorf("%w: %q is not a message, a thread or a range", ErrInvalid, target)
		}
		thread, around := "", 0
		if k == storage.TargetThread {
			thread, around = msg, 1000
		}
		ms, err := db.MessagesAround(ctx, c, msg, around, thread)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", target, err)
		}
		if len(ms) == 0 {
			return "", nil, fmt.Errorf("%s: %w", target, storage.ErrNotFound)
		}
		for i := len(ms) - 1; i >= 0; i-- {
			msgs = append(msgs, ms[i])
		}
		return c, msgs, nil
	default:
		return "", nil, fmt.Errorf("%w: give the messages as message/CONV/MSG, thread/CHANNEL/ROOT or range/CONV/FIRST/LAST, not %q", ErrInvalid, target)
	}
}

// source reads the messages a target names, oldest first (Messages).
func (s *Service) source(ctx context.Context, target string) (source, error) {
	src := source{target: target}
	conv, msgs, err := Messages(ctx, s.db, target)
	if err != nil {
		return src, err
	}
	src.msgs, src.linkTo = msgs, target
	if strings.HasPrefix(target, TargetRange+"/") {
		src.linkTo = storage.MessageTarget(conv, msgs[0].ID)
	}
	if _, err := s.db.Chat(ctx, conv); err == nil {
		src.linkTo = conv // Dynamics links chats: the case is linked to the chat
	} else if !errors.Is(err, storage.ErrNotFound) {
		return src, err
	}
	var lines []string
	for i := range src.msgs {
		m := &src.msgs[i]
		if m.Deleted != nil || m.Type != "" && m.Type != "message" {
			continue
		}
		text := strings.TrimSpace(content.Of(m).Text)
		if text == "" {
			continue
		}
		if src.first == "" {
			src.first = firstLine(text)
		}
		lines = append(lines, fmt.Sprintf("[%s] %s: %s", m.Created.UTC().Format("2006-01-02 15:04 UTC"), cmp.Or(m.FromName, "(unknown)"), text))
	}
	if len(lines) == 0 {
		return src, fmt.Errorf("%w: %s holds no message text", ErrInvalid, target)
	}
	src.text = strings.Join(lines, "\n")
	return src, nil
}

// markdown is the messages as a Markdown document (a note's file).
func (src source) markdown(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(title))
	for i := range src.msgs {
		m := &src.msgs[i]
		if m.Deleted != nil || m.Type != "" && m.Type != "message" {
			continue
		}
		text := strings.TrimSpace(content.Of(m).Text)
		if text == "" {
			continue
		}
		fmt.Fprintf(&b, "**%s** · %s\n\n", mdEscape(cmp.Or(m.FromName, "(unknown)")), m.Created.UTC().Format("2006-01-02 15:04 UTC"))
		for _, l := range strings.Split(text, "\n") {
			fmt.Fprintf(&b, "> %s\n", mdEscape(l))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// fileName is a note file's name: the conversation's day, safe anywhere.
func (src source) fileName() string {
	day := "conversation"
	if len(src.msgs) > 0 {
		day = src.msgs[0].Created.UTC().Format("2006-01-02")
	}
	return "teams-" + day + ".md"
}

// mdEscape keeps text from becoming Markdown markup.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`)
	return r.Replace(s)
}

// parseDue reads a due date: YYYY-MM-DD (the end of that day, UTC) or
// RFC 3339.
func parseDue(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(17 * time.Hour), nil // the working day's end
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: due date %q (YYYY-MM-DD or RFC 3339)", ErrInvalid, s)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return clip(l, 80)
}

// clip shortens s to n characters (runes), marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
