package crm

import (
	"slices"
	"testing"
)

// The catalogue is consistent: every set's card, key, table and text
// columns are columns sync reads (or the text's optional description),
// and every field listed has a label.
func TestCatalogueConsistent(t *testing.T) {
	for _, s := range Sets {
		if _, ok := Lookup(s.Name); !ok {
			t.Errorf("%s: Lookup fails", s.Name)
		}
		if got, _ := ByLogical(s.Logical); got.Name != s.Name {
			t.Errorf("%s: ByLogical(%s) = %s", s.Name, s.Logical, got.Name)
		}
		for _, group := range [][]string{s.Card, s.KeyFields, s.Table} {
			for _, f := range group {
				if !slices.Contains(s.Columns, f) {
					t.Errorf("%s: %s is shown but not synced", s.Name, f)
				}
				if s.Label(f) == f {
					t.Errorf("%s: %s has no label", s.Name, f)
				}
			}
		}
		if len(s.Card) > 5 || len(s.KeyFields) > 5 {
			t.Errorf("%s: more than five card or key fields", s.Name)
		}
		if s.Linkable && (len(s.Text) == 0 || !slices.Contains(s.Columns, s.Text[0])) {
			t.Errorf("%s: no synced title column", s.Name)
		}
		for field := range Options[s.Name] {
			if !slices.Contains(s.Columns, field) {
				t.Errorf("%s: option set %s is not synced", s.Name, field)
			}
		}
	}
	if got := LinkableNames(); !slices.Equal(got, []string{"incidents", "accounts", "contacts", "opportunities", "knowledgearticles"}) {
		t.Errorf("linkable sets %v", got)
	}
}

func TestRecordText(t *testing.T) {
	tests := []struct {
		name, set   string
		fields      map[string]any
		title, text string
	}{
		{"case", "incidents", map[string]any{"title": "Printer offline", "ticketnumber": "CAS-01234-ABCDE", "description": "Printer offline"}, "Printer offline", "Printer offline\nCAS-01234-ABCDE"},
		{"account without name", "accounts", map[string]any{"accountnumber": "A-1", "emailaddress1": "x@y.cn"}, "A-1", "A-1\nx@y.cn"},
		{"unknown set", "mars", map[string]any{"title": "x"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Title(tt.set, tt.fields); got != tt.title {
				t.Errorf("Title = %q, want %q", got, tt.title)
			}
			if got := Text(tt.set, tt.fields); got != tt.text {
				t.Errorf("Text = %q, want %q", got, tt.text)
			}
		})
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		set, field string
		fields     map[string]any
		want       string
	}{
		{"incidents", "prioritycode", map[string]any{"prioritycode": 1.0}, "High"},
		{"incidents", "prioritycode", map[string]any{"prioritycode": 1.0, "prioritycode" + FormattedSuffix: "Élevée"}, "Élevée"},
		{"incidents", "statuscode", map[string]any{"statuscode": 1000.0}, "Information Provided"},
		{"opportunities", "statecode", map[string]any{"statecode": 1.0}, "Won"},
		{"incidents", "statecode", map[string]any{"statecode": 1.0}, "Resolved"},
		{"opportunities", "estimatedvalue", map[string]any{"estimatedvalue": 125000.5}, "125000.5"},
		{"incidents", "prioritycode", map[string]any{"prioritycode": 9.0}, "9"},
		{"incidents", "title", map[string]any{"title": map[string]any{"x": 1}}, ""},
		{"incidents", "title", map[string]any{}, ""},
	}
	for _, tt := range tests {
		if got := Value(tt.set, tt.field, tt.fields); got != tt.want {
			t.Errorf("Value(%s, %s, %v) = %q, want %q", tt.set, tt.field, tt.fields, got, tt.want)
		}
	}
	if n, ok := OptionValue("incidents", "prioritycode", 2.0); !ok || n != 2 {
		t.Errorf("OptionValue = %d %v", n, ok)
	}
	if _, ok := OptionValue("incidents", "title", 2.0); ok {
		t.Error("OptionValue of a text column")
	}
}
