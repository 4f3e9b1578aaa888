package search

// BenchmarkIndexFieldCost reports what each field of the index (and each
// field option: positions, doc values) costs on disk: the same sample of
// documents, built by the indexer's own code, is indexed once whole and
// once without each part, merged into one segment, and measured.
//
//	RAPPORT_BENCH_STORE=/tmp/sp-store go test -run '^$' -bench IndexFieldCost -benchtime 1x -timeout 60m -v ./search/
//
// RAPPORT_BENCH_STORE is a synced store (BenchmarkSearchLarge's); without
// it the medium preset is synced. RAPPORT_BENCH_SAMPLE is how many
// messages to sample, evenly across the store (default 100,000).

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/crm"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// fieldVariant drops one part of every document.
type fieldVariant struct {
	name  string
	shape func(d *document.Document)
}

func keepFields(d *document.Document, keep func(f index.Field) bool) {
	out := d.Fields[:0]
	for _, f := range d.Fields {
		if keep(f) {
			out = append(out, f)
		}
	}
	d.Fields = out
}

// reopt gives every field named name the options opt, with its own part
// of the text's tokens.
func reopt(d *document.Document, name string, opt index.FieldIndexingOptions) {
	for i, f := range d.Fields {
		if f.Name() != name {
			continue
		}
		var ap []uint64
		if tf, ok := f.(*document.TextField); ok {
			ap = tf.ArrayPositions()
		}
		switch name {
		case fieldText, fieldCJK:
			d.Fields[i] = partField{document.NewTextFieldCustom(name, ap, f.Value(), opt, onlyTokens{textAnalyzer, name == fieldCJK}), f.(partField).length}
		default:
			d.Fields[i] = document.NewTextFieldCustom(name, ap, f.Value(), opt, nil)
		}
	}
}

// offsetless drops the tokens' byte offsets, keeping their positions.
type offsetless struct{ a analysis.Analyzer }

func (o offsetless) Analyze(in []byte) analysis.TokenStream {
	ts := o.a.Analyze(in)
	for _, t := range ts {
		t.Start, t.End = 0, 0
	}
	return ts
}

// onlyTokens keeps the tokens whose CJK-ness is cjk.
type onlyTokens struct {
	a   *analyzer
	cjk bool
}

func (o onlyTokens) Analyze(in []byte) analysis.TokenStream {
	latin, cjk := splitTokens(o.a.Analyze(in))
	if o.cjk {
		return cjk
	}
	return latin
}

func withoutTerms(prefix string) func(*document.Document) {
	return func(d *document.Document) {
		keepFields(d, func(f index.Field) bool { return !strings.HasPrefix(string(f.Value()), prefix) })
	}
}

var fieldVariants = []fieldVariant{
	{"whole index", nil},
	{"t: positions", func(d *document.Document) { reopt(d, fieldText, index.IndexField) }},
	{"t: offsets", func(d *document.Document) {
		for i, f := range d.Fields {
			if f.Name() == fieldText {
				d.Fields[i] = partField{document.NewTextFieldCustom(fieldText, nil, f.Value(), optText, offsetless{onlyTokens{textAnalyzer, false}}), f.(partField).length}
			}
		}
	}},
	{"t: freq/norm", func(d *document.Document) { reopt(d, fieldText, optText|index.SkipFreqNorm) }},
	{"t: the field", func(d *document.Document) { keepFields(d, func(f index.Field) bool { return f.Name() != fieldText }) }},
	{"tc: +positions", func(d *document.Document) { reopt(d, fieldCJK, optCJK|index.IncludeTermVectors) }},
	{"tc: freq/norm", func(d *document.Document) { reopt(d, fieldCJK, optCJK|index.SkipFreqNorm) }},
	{"tc: the field", func(d *document.Document) { keepFields(d, func(f index.Field) bool { return f.Name() != fieldCJK }) }},
	{"f: freq/norm", func(d *document.Document) { reopt(d, fieldFacet, optFacet|index.SkipFreqNorm) }},
	{"k: the field", func(d *document.Document) { keepFields(d, func(f index.Field) bool { return f.Name() != fieldKeys }) }},
	{"k: h: hours", withoutTerms("h:")},
	{"k: d: days", withoutTerms("d:")},
	{"f: doc values", func(d *document.Document) { reopt(d, fieldFacet, index.IndexField) }},
	{"f: the field", func(d *document.Document) { keepFields(d, func(f index.Field) bool { return f.Name() != fieldFacet }) }},
	{"ts: doc values", func(d *document.Document) { reopt(d, fieldTime, index.IndexField) }},
	{"ts: the field", func(d *document.Document) { keepFields(d, func(f index.Field) bool { return f.Name() != fieldTime }) }},
}

func BenchmarkIndexFieldCost(b *testing.B) {
	ctx := context.Background()
	var db *storage.DB
	if dir := os.Getenv("RAPPORT_BENCH_STORE"); dir != "" {
		var err error
		if db, err = storage.Open(ctx, dir, storage.Options{}); err != nil {
			b.Fatal(err)
		}
		defer db.Close()
	} else {
		db = enginetest.Synced(b, tenantsim.Options{Seed: 11, Size: tenantsim.Medium}).DB
	}
	sample := 100_000
	if s := os.Getenv("RAPPORT_BENCH_SAMPLE"); s != "" {
		var err error
		if sample, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ids, total := fieldCostSample(b, ctx, db, sample)
	for b.Loop() {
		var whole float64
		for _, v := range fieldVariants {
			bytes, docs := fieldCostBuild(b, ctx, db, ids, v.shape)
			per := float64(bytes) / float64(docs)
			if v.shape == nil {
				whole = per
				b.Logf("sample: %d of %d documents; whole index %.1f B/document (%d bytes, the merged segment)", docs, total, per, bytes)
				b.ReportMetric(per, "B/doc")
				continue
			}
			// What dropping the part saves (a "+" variant: what adding it
			// would cost, negative).
			b.Logf("%-15s %6.1f B/document (%4.1f %%)", v.name, whole-per, 100*(whole-per)/whole)
		}
	}
}

// fieldCostSample lists every step-th message's document (and every
// record's), so the sample spans the store's conversations and time.
func fieldCostSample(b *testing.B, ctx context.Context, db *storage.DB, n int) ([]string, int) {
	convs, err := db.ConvIDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var all []string
	for no := range convs {
		err := db.EachThreadPost(ctx, no, func(p storage.ThreadPost) error {
			all = append(all, storage.MessageDocID(no, p.ID))
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	step := max(1, len(all)/n)
	var ids []string
	for i := 0; i < len(all); i += step {
		ids = append(ids, all[i])
	}
	for _, set := range crm.LinkableNames() {
		rs, err := db.Records(ctx, set)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rs {
			ids = append(ids, storage.RecordDocID(set, r.ID))
		}
	}
	return ids, len(all)
}

// fieldCostBuild indexes ids as the indexer does, shaped, into a new
// index merged to one segment, and returns its size and document count.
func fieldCostBuild(b *testing.B, ctx context.Context, db *storage.DB, ids []string, shape func(*document.Document)) (int64, uint64) {
	dir := filepath.Join(b.TempDir(), "index")
	idx, err := createBleve(dir)
	if err != nil {
		b.Fatal(err)
	}
	ix := &Index{store: db, idx: idx, shape: shape}
	for i := 0; i < len(ids); i += 2000 {
		batch := idx.NewBatch()
		if _, err := ix.add(ctx, batch, ids[i:min(i+2000, len(ids))]); err != nil {
			b.Fatal(err)
		}
		if err := idx.Batch(batch); err != nil {
			b.Fatal(err)
		}
	}
	docs, _ := idx.DocCount()
	adv, err := idx.Advanced()
	if err != nil {
		b.Fatal(err)
	}
	if err := adv.(*scorch.Scorch).ForceMerge(ctx, nil); err != nil {
		b.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		b.Fatal(err)
	}
	// The merged segment holds every document; files it replaced may
	// still be on disk until the next start, so only it is measured.
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(d.Name(), ".zap") {
			if info, err := d.Info(); err == nil {
				n = max(n, info.Size())
			}
		}
		return nil
	})
	return n, docs
}
