package capture

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
)

// Activity is a task or a note as a record's timeline and the follow-ups
// list show it: as Dynamics 365 has it, or still on its way.
type Activity struct {
	Kind  string     `json:"kind"` // KindTask or KindNote
	ID    string     `json:"id"`
	Title string     `json:"title"`
	Text  string     `json:"text,omitempty"`
	Due   *time.Time `json:"due,omitempty"`
	// State is Dynamics' for a synced task (open, completed, canceled)
	// or a note (saved); while on its way, the operation's (pending,
	// in-flight, failed, conflict, done: pushed, not synced back yet).
	State    string    `json:"state"`
	Priority int       `json:"priority"`
	File     string    `json:"file,omitempty"`
	Created  time.Time `json:"created"`
	Set      string    `json:"regardingSet"` // the record it regards
	RecordID string    `json:"regardingId"`
	// Title of that record, when the store has it.
	RecordTitle string `json:"regardingTitle,omitempty"`
	OpSeq       uint64 `json:"opSeq,omitempty"`
	Error       string `json:"error,omitempty"`
}

// What an Activity is, and its states as Dynamics reports them.
const (
	KindTask = "task"
	KindNote = "note"

	StateOpen      = "open"
	StateCompleted = "completed"
	StateCanceled  = "canceled"
	StateSaved     = "saved"
)

// Activities lists a record's tasks and notes, synced and on their way,
// newest first.
func (s *Service) Activities(ctx context.Context, set, id string) ([]Activity, error) {
	if !crm.HasActivities(set) {
		return nil, fmt.Errorf("%w: tasks and notes are not made for records of %q", ErrInvalid, set)
	}
	all, err := s.activities(ctx)
	if err != nil {
		return nil, err
	}
	out := []Activity{}
	for _, a := range all {
		if a.Set == set && strings.EqualFold(a.RecordID, id) {
			out = append(out, a.Activity)
		}
	}
	slices.SortStableFunc(out, func(a, b Activity) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// FollowUps lists the user's tasks: those Dynamics assigns to the user
// and those made in Rapport on their way; open ones first, by due date.
func (s *Service) FollowUps(ctx context.Context) ([]Activity, error) {
	me, err := s.db.Me(ctx)
	if err != nil {
		return nil, err
	}
	mine := map[string]bool{} // the user's systemuser ids
	users, err := s.db.Records(ctx, crm.UserSet)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if aad, _ := u.Fields[crm.UserEntraID].(string); aad != "" && aad == me {
			mine[u.ID] = true
		}
	}
	all, err := s.activities(ctx)
	if err != nil {
		return nil, err
	}
	out := []Activity{}
	for _, a := range all {
		if a.Kind == KindTask && (a.OpSeq != 0 || mine[a.owner]) {
			out = append(out, a.Activity)
		}
	}
	rank := func(a Activity) int {
		switch a.State {
		case StateCompleted, StateCanceled:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b Activity) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		switch {
		case a.Due == nil && b.Due == nil:
			return b.Created.Compare(a.Created)
		case a.Due == nil:
			return 1
		case b.Due == nil:
			return -1
		}
		return a.Due.Compare(*b.Due)
	})
	return out, nil
}

// owned is an activity and its owner (a systemuser id, synced only).
type owned struct {
	Activity
	owner string
}

// activities reads every task and note: synced ones, then the creates
// not synced back yet (a done create whose row the store lacks too).
func (s *Service) activities(ctx context.Context) ([]owned, error) {
	var out []owned
	seen := map[string]bool{}
	titles := map[string]string{}
	title := func(set, id string) string {
		k := set + "/" + strings.ToLower(id)
		if t, ok := titles[k]; ok {
			return t
		}
		r, err := s.db.Record(ctx, set, id)
		if err == nil {
			titles[k] = crm.Title(set, r.Fields)
		}
		return titles[k]
	}
	for _, kind := range []string{crm.TaskSet, crm.NoteSet} {
		rows, err := s.db.Records(ctx, kind)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Deleted != nil {
				continue
			}
			a := fromRow(r)
			a.RecordTitle = title(a.Set, a.RecordID)
			owner, _ := r.Fields[crm.OwnerColumn].(string)
			out = append(out, owned{a, owner})
			seen[kind+"/"+strings.ToLower(r.ID)] = true
		}
	}
	ops, err := s.db.Outbox(ctx, storage.OpPending, storage.OpInFlight, storage.OpFailed, storage.OpConflict, storage.OpDone)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if op.Kind != storage.OpCreate || (op.Set != crm.TaskSet && op.Set != crm.NoteSet) || seen[op.Set+"/"+strings.ToLower(op.RecordID)] {
			continue
		}
		a := fromRow(storage.Record{Set: op.Set, ID: op.RecordID, Fields: op.Row})
		a.State, a.OpSeq, a.Error, a.Created = op.State, op.Seq, op.Error, op.Created
		a.Set, a.RecordID = boundRecord(op.Row)
		a.RecordTitle = title(a.Set, a.RecordID)
		out = append(out, owned{Activity: a})
	}
	return out, nil
}

// fromRow reads a synced task or note.
func fromRow(r storage.Record) Activity {
	str := func(f string) string { v, _ := r.Fields[f].(string); return v }
	a := Activity{ID: r.ID, Created: parseTime(str("createdon"))}
	switch r.Set {
	case crm.TaskSet:
		a.Kind, a.Title, a.Text = KindTask, str("subject"), str("description")
		if t := parseTime(str("scheduledend")); !t.IsZero() {
			a.Due = &t
		}
		a.Priority = number(r.Fields["prioritycode"], 1)
		a.State = []string{StateOpen, StateCompleted, StateCanceled}[min(max(number(r.Fields[crm.StateColumn], 0), 0), 2)]
		a.RecordID = str("_regardingobjectid_value")
		if cs, ok := crm.ByLogical(str("regardingobjecttypecode")); ok {
			a.Set = cs.Name
		}
	case crm.NoteSet:
		a.Kind, a.Title, a.Text, a.File, a.State = KindNote, str("subject"), str("notetext"), str("filename"), StateSaved
		a.RecordID = str("_objectid_value")
		if cs, ok := crm.ByLogical(str("objecttypecode")); ok {
			a.Set = cs.Name
		}
	}
	if a.Set == "" && a.RecordID == "" {
		a.Set, a.RecordID = boundRecord(r.Fields)
	}
	return a
}

// boundRecord is the record a create's row binds to (regarding, object).
func boundRecord(row map[string]any) (set, id string) {
	for k, v := range row {
		if strings.HasSuffix(k, "@odata.bind") && (strings.HasPrefix(k, "regardingobjectid_") || strings.HasPrefix(k, "objectid_")) {
			b, _ := v.(string)
			b = strings.TrimPrefix(b, "/")
			if s, rest, ok := strings.Cut(b, "("); ok {
				return s, strings.TrimSuffix(rest, ")")
			}
		}
	}
	return "", ""
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// number reads an option-set value (JSON numbers decode as float64).
func number(v any, def int) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return def
}
