package links

import (
	"testing"
	"time"
)

// Cards and notices carry the translation keys of their fields and option
// values (storage/crm), which the UI translates; fields the catalogue does
// not label, and values outside an option set, carry none.
func TestCardAndNoticeKeys(t *testing.T) {
	tests := []struct {
		set, field    string
		raw           any
		key, valueKey string
	}{
		{"incidents", "prioritycode", 1.0, "crm.field.incidents.prioritycode", "crm.option.incidents.prioritycode.1"},
		{"incidents", "statuscode", 1000.0, "crm.field.incidents.statuscode", "crm.option.incidents.statuscode.1000"},
		{"incidents", "prioritycode", 9.0, "crm.field.incidents.prioritycode", ""},
		{"incidents", "title", "Printer down", "crm.field.incidents.title", ""},
		{"incidents", "caseorigincode", 1.0, "", ""},
		{"accounts", "statecode", 1.0, "crm.field.accounts.statecode", "crm.option.accounts.statecode.1"},
		{"mars", "statecode", 1.0, "", ""},
	}
	for _, tt := range tests {
		key, valueKey := fieldKeys(tt.set, tt.field, tt.raw)
		if key != tt.key || valueKey != tt.valueKey {
			t.Errorf("fieldKeys(%s, %s, %v) = %q, %q; want %q, %q", tt.set, tt.field, tt.raw, key, valueKey, tt.key, tt.valueKey)
		}
	}
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	n := notice("incidents", "statecode", 0.0, 1.0, at)
	want := Notice{Label: "Status", Old: "Active", New: "Resolved", At: at, Field: "statecode", Key: "crm.field.incidents.statecode",
		OldKey: "crm.option.incidents.statecode.0", NewKey: "crm.option.incidents.statecode.1"}
	if n != want {
		t.Errorf("notice = %+v, want %+v", n, want)
	}
	if n := notice("incidents", "description", nil, "now set", at); n.Key != "crm.field.incidents.description" || n.OldKey != "" || n.NewKey != "" || n.New != "now set" {
		t.Errorf("notice of a text field = %+v", n)
	}
}
