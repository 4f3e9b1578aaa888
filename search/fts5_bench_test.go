//go:build fts5bench

package search_test

// The SQLite FTS5 side of BenchmarkSearchLarge, for comparison only:
// Rapport never uses SQLite. Built only with -tags fts5bench, so normal
// builds, tests and vet never compile the driver.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "modernc.org/sqlite" // pure Go, with FTS5 and the trigram tokenizer
)

func init() { benchFTS5 = benchRunFTS5 }

// benchFTSDB is the comparison database: a metadata table keyed by the FTS
// rowid (author and conversation as small integers, as an app would
// normalise them), a contentless unicode61 FTS5 table (like the Bleve index,
// it keeps no text), and, attached, a trigram FTS5 table with its text
// for Chinese.
type benchFTSDB struct {
	db      *sql.DB
	conn    *sql.Conn
	authors map[string]int64
	convs   map[string]int64
}

func benchRunFTS5(ctx context.Context, dir string, rows []benchFTSRow, mix []benchQuery, logf func(string, ...any)) (*benchFTSReport, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	main, tri := filepath.Join(dir, "fts.db"), filepath.Join(dir, "tri.db")
	db, err := sql.Open("sqlite", "file:"+main+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	f := &benchFTSDB{db: db, conn: conn, authors: map[string]int64{}, convs: map[string]int64{}}
	var version string
	conn.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version)
	rep := &benchFTSReport{Rows: len(rows), Tokenizer: map[string]string{}, Lat: map[string][]time.Duration{}, Hits: map[string][]int{},
		AltLat: map[string][]time.Duration{}, AltHits: map[string][]int{}}
	rep.Notes = append(rep.Notes, "SQLite "+version+", WAL, synchronous=NORMAL, 64 MB page cache; rows inserted 10,000 per transaction")

	for _, s := range []string{
		`CREATE TABLE msgs(id INTEGER PRIMARY KEY, author INTEGER NOT NULL, conv INTEGER NOT NULL, created INTEGER NOT NULL,
			importance TEXT NOT NULL, attach INTEGER NOT NULL, image INTEGER NOT NULL, link INTEGER NOT NULL)`,
		`CREATE INDEX msgs_created ON msgs(created)`,
		`CREATE INDEX msgs_author ON msgs(author, created)`,
		`CREATE INDEX msgs_conv ON msgs(conv, created)`,
		`CREATE INDEX msgs_imp ON msgs(importance, created)`,
		`CREATE INDEX msgs_attach ON msgs(created) WHERE attach`,
		`CREATE INDEX msgs_image ON msgs(created) WHERE image`,
		`CREATE INDEX msgs_link ON msgs(created) WHERE link`,
		`CREATE VIRTUAL TABLE fts USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
		`ATTACH DATABASE '` + tri + `' AS t`,
		`PRAGMA t.journal_mode=WAL`,
		`PRAGMA t.synchronous=NORMAL`,
		`CREATE VIRTUAL TABLE t.tri USING fts5(body, tokenize='trigram remove_diacritics 1')`,
	} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}

	// Indexing: the metadata row and the unicode61 table, then the trigram table.
	cpu0, start := benchCPU(), time.Now()
	if err := f.insert(ctx, rows, func(tx *sql.Tx) ([]*sql.Stmt, error) {
		a, err := tx.PrepareContext(ctx, `INSERT INTO msgs VALUES(?,?,?,?,?,?,?,?)`)
		if err != nil {
			return nil, err
		}
		b, err := tx.PrepareContext(ctx, `INSERT INTO fts(rowid, body) VALUES(?,?)`)
		return []*sql.Stmt{a, b}, err
	}, func(st []*sql.Stmt, id int64, r *benchFTSRow) error {
		if _, err := st[0].ExecContext(ctx, id, f.id(f.authors, r.Author), f.id(f.convs, r.Conv), r.Created, r.Importance, r.Attach, r.Image, r.Link); err != nil {
			return err
		}
		_, err := st[1].ExecContext(ctx, id, r.Text)
		return err
	}); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA main.wal_checkpoint(TRUNCATE)`); err != nil {
		return nil, err
	}
	rep.Seconds, rep.CPUSeconds = time.Since(start).Seconds(), benchCPU()-cpu0
	rep.Bytes = benchFileSize(main) + benchFileSize(main+"-wal")
	logf("fts5: unicode61 table and metadata: %d rows in %.1fs, %d MB", len(rows), rep.Seconds, rep.Bytes>>20)
	var ftsOnly int64
	if err := conn.QueryRowContext(ctx, `SELECT sum(pgsize) FROM dbstat('main') WHERE name LIKE 'fts%'`).Scan(&ftsOnly); err == nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("of which the unicode61 FTS5 table %.0f MB = %.0f B/row; the metadata table and indexes the rest",
			float64(ftsOnly)/1e6, float64(ftsOnly)/float64(len(rows))))
	}
	start = time.Now()
	if err := f.insert(ctx, rows, func(tx *sql.Tx) ([]*sql.Stmt, error) {
		a, err := tx.PrepareContext(ctx, `INSERT INTO t.tri(rowid, body) VALUES(?,?)`)
		return []*sql.Stmt{a}, err
	}, func(st []*sql.Stmt, id int64, r *benchFTSRow) error {
		_, err := st[0].ExecContext(ctx, id, r.Text)
		return err
	}); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA t.wal_checkpoint(TRUNCATE)`); err != nil {
		return nil, err
	}
	rep.TriSeconds = time.Since(start).Seconds()
	rep.TriBytes = benchFileSize(tri) + benchFileSize(tri+"-wal")
	logf("fts5: trigram table: %.1fs, %d MB", rep.TriSeconds, rep.TriBytes>>20)

	// Queries: one warm-up run, then the timed runs, in the mix's order.
	plans := make([]*benchFTSPlan, len(mix))
	tables := map[string]map[string]bool{}
	for i, q := range mix {
		plans[i] = f.plan(q, false)
		if tables[q.Type] == nil {
			tables[q.Type] = map[string]bool{}
		}
		tables[q.Type][plans[i].table] = true
	}
	for t, m := range tables {
		var l []string
		for k := range m {
			l = append(l, k)
		}
		sort.Strings(l)
		rep.Tokenizer[t] = strings.Join(l, " + ")
	}
	for i, q := range mix {
		n, err := f.run(ctx, plans[i])
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", q.Type, q.Q, err)
		}
		rep.Hits[q.Type] = append(rep.Hits[q.Type], n)
	}
	for p := 0; p < benchPasses; p++ {
		for i, q := range mix {
			t := time.Now()
			if _, err := f.run(ctx, plans[i]); err != nil {
				return nil, err
			}
			rep.Lat[q.Type] = append(rep.Lat[q.Type], time.Since(t))
		}
	}
	// Chinese on the unicode61 table, to show why trigram answers it.
	for _, alt := range []string{"chinese"} {
		var ps []*benchFTSPlan
		for _, q := range mix {
			if q.Type == alt {
				ps = append(ps, f.plan(q, true))
			}
		}
		for _, p := range ps {
			n, err := f.run(ctx, p)
			if err != nil {
				return nil, err
			}
			rep.AltHits[alt] = append(rep.AltHits[alt], n)
		}
		for pass := 0; pass < benchPasses; pass++ {
			for _, p := range ps {
				t := time.Now()
				if _, err := f.run(ctx, p); err != nil {
					return nil, err
				}
				rep.AltLat[alt] = append(rep.AltLat[alt], time.Since(t))
			}
		}
	}
	rep.Notes = append(rep.Notes,
		"per query: a COUNT(*) for the total, the top 50 (ORDER BY bm25, or created DESC for date-sorted) joined to the metadata, and for faceted queries 3 GROUP BY counts (author, conversation, month)",
		"no stemming (unicode61): hit counts differ where Rapport's Porter stemming merges forms; deleted messages are not in the table; facets by kind and tag are not computed",
		"Rapport's figures also include loading the 50 hits from the store and cutting their snippets; FTS5's do not")
	return rep, nil
}

func benchFileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

func (f *benchFTSDB) id(m map[string]int64, s string) int64 {
	if n, ok := m[s]; ok {
		return n
	}
	n := int64(len(m) + 1)
	m[s] = n
	return n
}

// insert writes rows 10,000 to a transaction; rowids are 1-based positions.
func (f *benchFTSDB) insert(ctx context.Context, rows []benchFTSRow, prep func(*sql.Tx) ([]*sql.Stmt, error), put func([]*sql.Stmt, int64, *benchFTSRow) error) error {
	for lo := 0; lo < len(rows); lo += 10000 {
		tx, err := f.conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		st, err := prep(tx)
		if err != nil {
			tx.Rollback()
			return err
		}
		for i := lo; i < min(lo+10000, len(rows)); i++ {
			if err := put(st, int64(i+1), &rows[i]); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

type benchFTSStmt struct {
	sql  string
	args []any
}

type benchFTSPlan struct {
	count benchFTSStmt
	rest  []benchFTSStmt
	table string
}

// plan turns a query of the mix into SQL. unicode61 forces the unicode61
// table for Chinese.
func (f *benchFTSDB) plan(q benchQuery, unicode61 bool) *benchFTSPlan {
	var where []string
	var args []any
	in := func(col string, vals []any) {
		where = append(where, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		args = append(args, vals...)
	}
	ids := func(m map[string]int64, l []string) []any {
		var out []any
		for _, s := range l {
			if n, ok := m[s]; ok {
				out = append(out, n)
			}
		}
		if len(out) == 0 {
			out = append(out, -1)
		}
		return out
	}
	if len(q.Authors) > 0 {
		in("m.author", ids(f.authors, q.Authors))
	}
	if len(q.Convs) > 0 {
		in("m.conv", ids(f.convs, q.Convs))
	}
	if len(q.Imp) > 0 {
		var v []any
		for _, s := range q.Imp {
			v = append(v, s)
		}
		in("m.importance", v)
	}
	if q.Attach {
		where = append(where, "m.attach")
	}
	if q.Image {
		where = append(where, "m.image")
	}
	if q.Link {
		where = append(where, "m.link")
	}
	if q.After != 0 {
		where = append(where, "m.created >= ?")
		args = append(args, q.After)
	}
	if q.Before != 0 {
		where = append(where, "m.created < ?")
		args = append(args, q.Before)
	}
	p := &benchFTSPlan{}
	var from, rank string
	var textArgs []any
	switch {
	case q.Tri != "" && !unicode61 && q.TriLike:
		from, p.table = "t.tri JOIN msgs m ON m.id = tri.rowid", "trigram (LIKE scan: < 3 chars)"
		where = append([]string{"tri.body LIKE ?"}, where...)
		textArgs = []any{q.Tri}
	case q.Tri != "" && !unicode61:
		from, rank, p.table = "t.tri JOIN msgs m ON m.id = tri.rowid", "bm25(tri)", "trigram"
		where = append([]string{"tri MATCH ?"}, where...)
		textArgs = []any{q.Tri}
	case q.Match != "":
		from, rank, p.table = "fts JOIN msgs m ON m.id = fts.rowid", "bm25(fts)", "unicode61"
		where = append([]string{"fts MATCH ?"}, where...)
		textArgs = []any{q.Match}
	default:
		from, p.table = "msgs m", "metadata indexes"
	}
	all := append(textArgs, args...)
	cond := strings.Join(where, " AND ")
	if cond == "" {
		cond = "1"
	}
	order := ""
	switch {
	case q.Sort == "date":
		order = " ORDER BY m.created DESC"
	case rank != "":
		order = " ORDER BY " + rank
	}
	p.count = benchFTSStmt{"SELECT count(*) FROM " + from + " WHERE " + cond, all}
	p.rest = append(p.rest, benchFTSStmt{fmt.Sprintf("SELECT m.id, m.author, m.conv, m.created, m.importance FROM %s WHERE %s%s LIMIT %d", from, cond, order, benchPageSize), all})
	if q.Facets {
		for _, g := range []string{"m.author", "m.conv", "strftime('%Y%m', m.created, 'unixepoch')"} {
			p.rest = append(p.rest, benchFTSStmt{fmt.Sprintf("SELECT %s, count(*) FROM %s WHERE %s GROUP BY 1 ORDER BY 2 DESC LIMIT 12", g, from, cond), all})
		}
	}
	return p
}

// run executes a plan and returns the total.
func (f *benchFTSDB) run(ctx context.Context, p *benchFTSPlan) (int, error) {
	var n int
	if err := f.conn.QueryRowContext(ctx, p.count.sql, p.count.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", p.count.sql, err)
	}
	for _, s := range p.rest {
		rows, err := f.conn.QueryContext(ctx, s.sql, s.args...)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", s.sql, err)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return 0, fmt.Errorf("%s: %w", s.sql, err)
		}
		rows.Close()
	}
	return n, nil
}
