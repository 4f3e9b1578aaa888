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
	"github.com/rapport-app/rapport/storage/links"
	"github.com/rapport-app/rapport/sync/cloud"
)

var updateTypes = flag.Bool("update-types", false, "rewrite frontend/src/api/types.gen.ts from the Go types")

const typesFile = "../frontend/src/api/types.gen.ts"

// TestTypesGenerated: the TypeScript shapes of everything the UI sends
// and receives (the bound services' arguments and answers, and the event
// payloads) are generated from the Go types; the checked-in file must be
// what the Go types generate. `go test ./app -run TestTypesGenerated
// -update-types` rewrites it.
func TestTypesGenerated(t *testing.T) {
	got := generateTypes(t)
	if *updateTypes {
		if err := os.WriteFile(typesFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(typesFile)
	if err != nil {
		t.Fatalf("%v (run go test ./app -run TestTypesGenerated -update-types)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with the Go types: run go test ./app -run TestTypesGenerated -update-types\n%s", typesFile, firstDiff(string(want), string(got)))
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
	reflect.TypeFor[Error]():          "ErrorBody",
	reflect.TypeFor[storage.Record](): "CrmRecord",
	reflect.TypeFor[storage.Status](): "StoreStatus",
	reflect.TypeFor[search.Status]():  "IndexStatus",
	reflect.TypeFor[DeviceCodeDTO]():  "DeviceCode",
	reflect.TypeFor[ChatDTO]():        "Chat",
	reflect.TypeFor[MessageDTO]():     "Message",
	reflect.TypeFor[search.Hit]():     "SearchHit",
	reflect.TypeFor[search.HitConv](): "ConvRef",
	reflect.TypeFor[search.Request](): "SearchRequest",
	reflect.TypeFor[search.Result]():  "SearchResult",
	reflect.TypeFor[links.Notice]():   "LinkNotice",
}

// tsUnions are the string types and fields whose values are a closed set,
// written from the Go constants that define them.
var tsUnions = map[string][]string{
	typeKey(reflect.TypeFor[cloud.Name]()): {string(cloud.Global), string(cloud.China), string(cloud.USGov)},
	"storage.Op.state": {storage.OpPending, storage.OpInFlight, storage.OpDone, storage.OpFailed, storage.OpConflict,
		storage.OpDiscarded, storage.OpLocal},
	"storage.Op.kind": {storage.OpLink, storage.OpUnlink, storage.OpJoin, storage.OpNotice},
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
}

type tsGen struct {
	t     *testing.T
	named map[reflect.Type]string // type -> TS name
	decls map[string]string       // TS name -> declaration
}

func generateTypes(t *testing.T) []byte {
	g := &tsGen{t: t, named: map[reflect.Type]string{}, decls: map[string]string{}}
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
	var b bytes.Buffer
	b.WriteString("// Code generated from the Go types by `go test ./app -run TestTypesGenerated -update-types`; DO NOT EDIT.\n")
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
		return union(u)
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

func union(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, " | ")
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
			typ = union(u)
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
