package app

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/capture"
	"github.com/rapport-app/rapport/storage/digest"
	"github.com/rapport-app/rapport/storage/knowledge"
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/storage/metrics"
	"github.com/rapport-app/rapport/storage/tags"
	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/outbox"
)

var updateTS = flag.Bool("update-ts", false, "rewrite frontend/src/api/types.gen.ts from the Go types")

const typesFile = "../frontend/src/api/types.gen.ts"

// TestTypesGenerated: the TypeScript shapes of everything the UI sends
// and receives (the bound services' arguments and answers, and the event
// payloads) are generated from the Go types; the checked-in file must be
// what the Go types generate. `go test ./app -run TestTypesGenerated
// -args -update-ts` rewrites it (storage/crm's TestCatalogueGenerated
// takes the same flag for crm.gen.ts).
func TestTypesGenerated(t *testing.T) {
	got := generateTypes(t)
	if *updateTS {
		if err := os.WriteFile(typesFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(typesFile)
	if err != nil {
		t.Fatalf("%v (run go test ./app -run TestTypesGenerated -args -update-ts)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with the Go types: run go test ./app -run TestTypesGenerated -args -update-ts\n%s", typesFile, firstDiff(string(want), string(got)))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  file: %s\n  Go:   %s", i+1, x, y)
		}
	}
	return ""
}

// tsNames renames Go types whose names clash or read badly in the UI.
var tsNames = map[reflect.Type]string{
	reflect.TypeFor[Error]():                "ErrorBody",
	reflect.TypeFor[storage.Record]():       "CrmRecord",
	reflect.TypeFor[storage.Status]():       "StoreStatus",
	reflect.TypeFor[search.Status]():        "IndexStatus",
	reflect.TypeFor[DeviceCodeDTO]():        "DeviceCode",
	reflect.TypeFor[ChatDTO]():              "Chat",
	reflect.TypeFor[MessageDTO]():           "Message",
	reflect.TypeFor[search.Hit]():           "SearchHit",
	reflect.TypeFor[search.HitConv]():       "ConvRef",
	reflect.TypeFor[search.Request]():       "SearchRequest",
	reflect.TypeFor[search.Result]():        "SearchResult",
	reflect.TypeFor[links.Notice]():         "LinkNotice",
	reflect.TypeFor[tags.Change]():          "TagEditResult",
	reflect.TypeFor[tags.List]():            "TagList",
	reflect.TypeFor[TeamDTO]():              "Team",
	reflect.TypeFor[storage.Connection]():   "ConnectionFields",
	reflect.TypeFor[cloud.Info]():           "CloudInfo",
	reflect.TypeFor[outbox.Result]():        "OutboxResult",
	reflect.TypeFor[metrics.Report]():       "MetricsReport",
	reflect.TypeFor[metrics.Group]():        "MetricsGroup",
	reflect.TypeFor[metrics.Settings]():     "MetricsSettings",
	reflect.TypeFor[metrics.Query]():        "MetricsQuery",
	reflect.TypeFor[metrics.Wait]():         "MetricsWait",
	reflect.TypeFor[metrics.Account]():      "MetricsAccount",
	reflect.TypeFor[metrics.TaggedThread](): "MetricsThread",
	reflect.TypeFor[digest.Account]():       "DigestAccount",
	reflect.TypeFor[digest.Question]():      "DigestQuestion",
	reflect.TypeFor[digest.Case]():          "DigestCase",
	reflect.TypeFor[digest.Request]():       "DigestRequest",
	reflect.TypeFor[knowledge.File]():       "ArchiveFile",
	reflect.TypeFor[knowledge.Archive]():    "KnowledgeArchive",
	reflect.TypeFor[knowledge.Best]():       "BestConversation",
	reflect.TypeFor[knowledge.Entry]():      "FAQEntry",
	reflect.TypeFor[knowledge.Source]():     "FAQSource",
	reflect.TypeFor[knowledge.Span]():       "RedactionSpan",
	reflect.TypeFor[knowledge.Redacted]():   "RedactedText",
	reflect.TypeFor[knowledge.Template]():   "TemplateAnswer",
}

// tsUnion is a closed set of strings: a TypeScript type of that name
// (declared once, however many fields use it), or inline when unnamed.
type tsUnion struct {
	name   string
	values []string
}

var (
	opStates = []string{storage.OpPending, storage.OpInFlight, storage.OpDone, storage.OpFailed, storage.OpConflict,
		storage.OpDiscarded, storage.OpLocal}
	opState = tsUnion{"OpState", opStates}
)

// tsUnions are the string types ("pkg.Type") and fields ("pkg.Type.json",
// a list's elements for a list) whose values are a closed set, written
// from the Go constants that define them.
var tsUnions = map[string]tsUnion{
	typeKey(reflect.TypeFor[cloud.Name]()): {"CloudName", []string{string(cloud.Global), string(cloud.China), string(cloud.USGov)}},
	"storage.Op.state":                     opState,
	"links.OpRef.state":                    opState,
	"storage.Op.kind":                      {"OpKind", []string{storage.OpLink, storage.OpUnlink, storage.OpJoin, storage.OpNotice, storage.OpCreate, storage.OpUpload, storage.OpPost}},
	"capture.Activity.kind":                {"ActivityKind", []string{capture.KindTask, capture.KindNote}},
	"storage.Channel.membershipType":       {"MembershipType", storage.ChannelMembershipTypes},
	"app.AppInfo.mode":                     {"AppMode", []string{ModeWindow, ModeBrowser}},
	"app.UISettings.language":              {"LanguageSetting", languages},
	"app.UISettings.theme":                 {"ThemeSetting", themes},
	"links.LinkView.sync": {"LinkSync", []string{storage.LinkSynced, storage.OpPending, storage.OpInFlight, storage.OpFailed,
		storage.OpConflict, storage.LinkLocal}},
	"links.LinkView.unlinkCode":   {"UnlinkCode", []string{links.UnlinkOwner, links.UnlinkLinker, links.UnlinkOwnerOrLinker, links.UnlinkPrivileged}},
	"links.Suggestion.why":        {"SuggestionWhy", []string{links.WhyContact, links.WhyDomain, links.WhyCaseNumber}},
	"tags.Tag.color":              {"TagColor", tags.Colors},
	"knowledge.IndexEntry.kind":   {"KnowledgeKind", []string{knowledge.ItemBest, knowledge.ItemFAQ}},
	"knowledge.ItemReview.kind":   {"KnowledgeKind", []string{knowledge.ItemBest, knowledge.ItemFAQ}},
	"knowledge.Span.kind":         {"RedactionKind", []string{knowledge.KindName, knowledge.KindEmail, knowledge.KindPhone, knowledge.KindCase}},
	"knowledge.Archive.scopeKind": {"ArchiveScope", []string{knowledge.ScopeAccount, knowledge.ScopeTeam}},
	"links.TimelineItem.kind":     {"TimelineKind", []string{storage.TargetChat, storage.TargetThread, storage.TargetMessage}},
	"search.Request.sort":         {"SearchSort", []string{search.SortRelevance, search.SortDate}},
	"search.Hit.kind":             {"HitKind", []string{search.KindMessage, search.KindRecord}},
	"search.HitConv.kind":         {"ConvKind", []string{search.ConvChat, search.ConvChannel}},
	"search.Facet.dim":            {"FacetDim", search.FacetDims},
	"search.Status.state":         {"IndexState", []string{search.StateReady, search.StateBuilding, search.StateCatchingUp}},
	"metrics.Query.hours":         {"MetricsHours", []string{metrics.HoursSettings, metrics.HoursWall}},
	"metrics.Group.kind":          {"ConvKind", []string{metrics.KindChat, metrics.KindChannel}},
	"metrics.Wait.kind":           {"ConvKind", []string{metrics.KindChat, metrics.KindChannel}},
	"app.Error.field":             {"ConnectionField", jsonNames(reflect.TypeFor[storage.Connection]())},
	"app.ConnectionView.missing":  {"MissingSetting", []string{MissingClientID, MissingTenant, MissingDataverse}},
	"app.ConnectionCheck.dataverse": {"DataverseCheck", []string{DataverseOK, DataverseNotSet, DataverseNotSignedIn,
		DataverseFailed}},
	typeKey(reflect.TypeFor[TenantChoice]()): {"TenantChoice", []string{string(ChoiceAsk), string(ChoiceStartOver),
		string(ChoiceKeepReadOnly)}},
}

// jsonNames are a struct's JSON field names.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func typeKey(t reflect.Type) string {
	p := t.PkgPath()
	return p[strings.LastIndex(p, "/")+1:] + "." + t.Name()
}

// uiEvents are the events the UI subscribes to, with their payloads.
var uiEvents = []struct {
	key, name string
	data      any
}{
	{"settingsChanged", EventSettingsChanged, UISettings{}},
	{"syncProgress", EventSyncProgress, SyncResult{}.Progress},
	{"syncDone", EventSyncDone, SyncResult{}},
	{"signedIn", EventSignedIn, ""},
	{"signInFailed", EventSignInFailed, Error{}},
	{"searchProgress", EventSearchProgress, search.Status{}},
	{"outboxPushed", EventOutbox, outbox.Result{}},
	{"connectionChanged", EventConnectionChanged, ConnectionView{}},
}

type tsGen struct {
	t      *testing.T
	named  map[reflect.Type]string // type -> TS name
	decls  map[string]string       // TS name -> declaration
	used   map[string]bool         // tsUnions keys met
	unions map[string][]string     // union name -> values
}

func generateTypes(t *testing.T) []byte {
	g := &tsGen{t: t, named: map[reflect.Type]string{}, decls: map[string]string{}, used: map[string]bool{}, unions: map[string][]string{}}
	core := &Core{}
	svcs := core.services()
	names := make([]string, 0, len(svcs))
	for n := range svcs {
		names = append(names, n)
	}
	sort.Strings(names)
	var api bytes.Buffer
	for _, n := range names {
		v := reflect.TypeOf(svcs[n])
		fmt.Fprintf(&api, "  %s: {\n", n)
		for i := 0; i < v.NumMethod(); i++ {
			m := v.Method(i)
			var in []string
			for j := 1; j < m.Type.NumIn(); j++ {
				in = append(in, g.ts(m.Type.In(j)))
			}
			out := "void"
			for j := 0; j < m.Type.NumOut(); j++ {
				if o := m.Type.Out(j); o != errorType {
					out = g.ts(o)
				}
			}
			fmt.Fprintf(&api, "    %s: { args: [%s]; result: %s };\n", m.Name, strings.Join(in, ", "), out)
		}
		api.WriteString("  };\n")
	}
	var events bytes.Buffer
	for _, e := range uiEvents {
		fmt.Fprintf(&events, "  %q: %s;\n", e.name, g.ts(reflect.TypeOf(e.data)))
	}
	for k := range tsUnions {
		if !g.used[k] {
			t.Errorf("tsUnions[%q] matches no type or field the UI sees", k)
		}
	}
	var b bytes.Buffer
	b.WriteString("// Code generated from the Go types by `go test ./app -run TestTypesGenerated -args -update-ts`; DO NOT EDIT.\n")
	b.WriteString("// JSON names are the Go struct tags; optional fields are omitempty ones.\n\n")
	decls := make([]string, 0, len(g.decls))
	for n := range g.decls {
		decls = append(decls, n)
	}
	sort.Strings(decls)
	for _, n := range decls {
		b.WriteString(g.decls[n])
		b.WriteString("\n")
	}
	b.WriteString("// The bound services: each method's arguments and answer.\nexport interface Services {\n")
	b.Write(api.Bytes())
	b.WriteString("}\n\n// The events the UI subscribes to, by name, with their payloads.\nexport interface EventPayloads {\n")
	b.Write(events.Bytes())
	b.WriteString("}\n\nexport const EventNames = {\n")
	for _, e := range uiEvents {
		fmt.Fprintf(&b, "  %s: %q,\n", e.key, e.name)
	}
	b.WriteString("} as const;\n")
	return b.Bytes()
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	durType     = reflect.TypeFor[time.Duration]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	marshalType = reflect.TypeFor[json.Marshaler]()
)

// ts is the TypeScript type of t, declaring named structs as it goes.
func (g *tsGen) ts(t reflect.Type) string {
	switch {
	case t == timeType:
		return "string"
	case t == durType:
		return "number"
	case t == rawType:
		return "unknown"
	}
	if u, ok := tsUnions[typeKey(t)]; ok && t.Name() != "" {
		g.used[typeKey(t)] = true
		return g.union(typeKey(t), u)
	}
	if t.Kind() != reflect.Pointer && t.Implements(marshalType) {
		g.t.Fatalf("%s marshals itself: give it a TS type in the generator", t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.ts(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16,
		reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Interface:
		return "unknown"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // base64
		}
		return g.ts(t.Elem()) + "[]"
	case reflect.Map:
		return "Record<string, " + g.ts(t.Elem()) + ">"
	case reflect.Struct:
		return g.declare(t)
	}
	g.t.Fatalf("no TypeScript for %s", t)
	return ""
}

// union is a closed set's TypeScript: its name, declared on first use,
// or the values inline.
func (g *tsGen) union(key string, u tsUnion) string {
	q := make([]string, len(u.values))
	for i, v := range u.values {
		q[i] = fmt.Sprintf("%q", v)
	}
	if u.name == "" {
		return strings.Join(q, " | ")
	}
	for t, n := range g.named {
		if n == u.name {
			g.t.Fatalf("TypeScript name %s is both %s and a union", n, typeKey(t))
		}
	}
	if vals, ok := g.unions[u.name]; ok {
		if !slices.Equal(vals, u.values) {
			g.t.Fatalf("TypeScript union %s has two sets of values: %q and %q", u.name, vals, u.values)
		}
		return u.name
	}
	g.unions[u.name] = u.values
	g.decls[u.name] = fmt.Sprintf("// %s: the values of Go's %s.\nexport type %s = %s;\n", u.name, key, u.name, strings.Join(q, " | "))
	return u.name
}

func (g *tsGen) declare(t reflect.Type) string {
	if n, ok := g.named[t]; ok {
		return n
	}
	if t.Name() == "" {
		return g.object(t, "")
	}
	name := t.Name()
	if n, ok := tsNames[t]; ok {
		name = n
	}
	for other, n := range g.named {
		if n == name && other != t {
			g.t.Fatalf("TypeScript name %s is both %s and %s: add one to tsNames", name, typeKey(other), typeKey(t))
		}
	}
	g.named[t] = name
	g.decls[name] = "" // reserve (recursive types)
	g.decls[name] = fmt.Sprintf("// %s is Go's %s.\nexport interface %s %s\n", name, typeKey(t), name, g.object(t, typeKey(t)))
	return name
}

// object writes a struct's fields; embedded structs without a JSON name
// are inlined, as encoding/json does.
func (g *tsGen) object(t reflect.Type, key string) string {
	var lines []string
	g.fields(t, key, &lines)
	if key == "" {
		return "{ " + strings.Join(lines, " ") + " }"
	}
	return "{\n  " + strings.Join(lines, "\n  ") + "\n}"
}

func (g *tsGen) fields(t reflect.Type, key string, lines *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, typeKey(ft), lines)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		typ := g.ts(f.Type)
		if u, ok := tsUnions[key+"."+name]; ok {
			g.used[key+"."+name] = true
			typ = g.union(key+"."+name, u)
			if f.Type.Kind() == reflect.Slice {
				typ += "[]"
			}
		}
		optional := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
		if strings.Contains(opts, "string") {
			typ = "string"
		}
		q := ""
		if optional {
			q = "?"
		}
		if f.Type.Kind() == reflect.Pointer && !optional {
			typ += " | null"
		}
		*lines = append(*lines, fmt.Sprintf("%s%s: %s;", name, q, typ))
	}
}
