package crm

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

var updateTS = flag.Bool("update-ts", false, "rewrite frontend/src/api/crm.gen.ts from the catalogue")

const tsFile = "../../frontend/src/api/crm.gen.ts"

// TestCatalogueGenerated: the UI's copy of the catalogue (the linkable
// record types, their fields, card, key and table columns, option sets,
// and English labels by translation key) is generated from this package;
// the checked-in file must be what it generates. `go test ./storage/crm
// -run TestCatalogueGenerated -args -update-ts` rewrites it (app's
// TestTypesGenerated takes the same flag for types.gen.ts).
func TestCatalogueGenerated(t *testing.T) {
	got := generateTS(t)
	if *updateTS {
		if err := os.WriteFile(tsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(tsFile)
	if err != nil {
		t.Fatalf("%v (run go test ./storage/crm -run TestCatalogueGenerated -args -update-ts)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		i := 0
		for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
			i++
		}
		line := func(l []string) string {
			if i < len(l) {
				return l[i]
			}
			return ""
		}
		t.Fatalf("%s is out of date with the catalogue: run go test ./storage/crm -run TestCatalogueGenerated -args -update-ts\nline %d:\n  file: %s\n  Go:   %s",
			tsFile, i+1, line(wl), line(gl))
	}
}

// js is v as a TypeScript literal (JSON is one).
func js(t *testing.T, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), `","`, `", "`)
}

func generateTS(t *testing.T) []byte {
	labels := map[string]string{}
	var b bytes.Buffer
	b.WriteString("// Code generated from storage/crm by `go test ./storage/crm -run TestCatalogueGenerated -args -update-ts`; DO NOT EDIT.\n\n")
	b.WriteString("// The Dynamics 365 record types chats can be linked to, in catalogue order.\n")
	fmt.Fprintf(&b, "export const recordSets = %s as const;\n\n", js(t, LinkableNames()))
	b.WriteString("export type RecordSet = (typeof recordSets)[number];\n\n")
	fmt.Fprintf(&b, "// The annotation a row carries Dynamics' formatted value of a column in\n// (column + formattedSuffix), in the language of the user's Dynamics.\nexport const formattedSuffix = %s;\n\n", js(t, FormattedSuffix))
	fmt.Fprintf(&b, "// The organisation's currencies, a record's currency (a lookup to\n// them) and a currency's ISO 4217 code.\nexport const currencySet = %s;\nexport const currencyColumn = %s;\nexport const currencyCode = %s;\n\n", js(t, CurrencySet), js(t, CurrencyColumn), js(t, CurrencyCode))
	b.WriteString(`// A column with its English label and its label's translation key.
export interface CrmField {
  name: string;
  label: string;
  key: CrmLabelKey;
}

// An option-set value with its English label and its translation key.
export interface CrmOption {
  value: number;
  label: string;
  key: CrmLabelKey;
}

// A record type: entity set, logical name, primary id column; text: the
// columns of its searchable text, the first non-empty one its title;
// number and email: the columns people know a record by; fields: the
// columns Records, cards and timelines show; card and keyFields: the
// default card and key fields; table: the Records view's columns;
// options: the option sets, by column; money: the columns in the
// record's currency; activities: tasks and notes are
// made for its records.
export interface CrmSet {
  name: RecordSet;
  logical: string;
  key: string;
  text: string[];
  number?: string;
  email?: string;
  activities?: boolean;
  money?: string[];
  fields: CrmField[];
  card: string[];
  keyFields: string[];
  table: string[];
  options: Record<string, CrmOption[]>;
}

export const crmSets: Record<RecordSet, CrmSet> = {
`)
	for _, s := range Linkable() {
		fmt.Fprintf(&b, "  %s: {\n", s.Name)
		fmt.Fprintf(&b, "    name: %s,\n    logical: %s,\n    key: %s,\n    text: %s,\n", js(t, s.Name), js(t, s.Logical), js(t, s.Key), js(t, s.Text))
		if s.Number != "" {
			fmt.Fprintf(&b, "    number: %s,\n", js(t, s.Number))
		}
		if s.Email != "" {
			fmt.Fprintf(&b, "    email: %s,\n", js(t, s.Email))
		}
		if len(s.Money) > 0 {
			fmt.Fprintf(&b, "    money: %s,\n", js(t, s.Money))
		}
		if s.Activities {
			b.WriteString("    activities: true,\n")
		}
		b.WriteString("    fields: [\n")
		for _, f := range s.Fields {
			k := FieldKey(s.Name, f.Name)
			labels[k] = f.Label
			fmt.Fprintf(&b, "      { name: %s, label: %s, key: %s },\n", js(t, f.Name), js(t, f.Label), js(t, k))
		}
		b.WriteString("    ],\n")
		fmt.Fprintf(&b, "    card: %s,\n    keyFields: %s,\n    table: %s,\n", js(t, s.Card), js(t, s.KeyFields), js(t, s.Table))
		b.WriteString("    options: {")
		cols := make([]string, 0, len(Options[s.Name]))
		for c := range Options[s.Name] {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		if len(cols) > 0 {
			b.WriteString("\n")
		}
		for _, c := range cols {
			if !slices.ContainsFunc(s.Fields, func(f Field) bool { return f.Name == c }) {
				t.Errorf("%s: option set %s has no field label", s.Name, c)
			}
			fmt.Fprintf(&b, "      %s: [\n", c)
			for _, o := range Options[s.Name][c] {
				k := OptionKey(s.Name, c, o.Value)
				labels[k] = o.Label
				fmt.Fprintf(&b, "        { value: %d, label: %s, key: %s },\n", o.Value, js(t, o.Label), js(t, k))
			}
			b.WriteString("      ],\n")
		}
		if len(cols) > 0 {
			b.WriteString("    ")
		}
		b.WriteString("},\n  },\n")
	}
	b.WriteString("};\n\n")
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("// English labels of fields and option values, by translation key\n// (crm.field.SET.FIELD, crm.option.SET.FIELD.VALUE). The UI's other\n// languages translate every one of them (src/i18n/crm.ts).\nexport const crmLabelsEn = {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: %s,\n", js(t, k), js(t, labels[k]))
	}
	b.WriteString("};\n\nexport type CrmLabelKey = keyof typeof crmLabelsEn;\n")
	return b.Bytes()
}
