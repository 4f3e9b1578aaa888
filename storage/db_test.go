package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var ctx = context.Background()

// countingMigrations returns n migrations that each create bucket "mN" and
// count how often they ran.
func countingMigrations(n int, runs map[int]int) []migration {
	ms := make([]migration, n)
	for i := range ms {
		v := i + 1
		ms[i] = migration{v, fmt.Sprintf("m%d", v), func(tx *bolt.Tx) error {
			runs[v]++
			_, err := tx.CreateBucket([]byte(fmt.Sprintf("m%d", v)))
			return err
		}}
	}
	return ms
}

func mustClose(t *testing.T, db *DB) {
	t.Helper()
	if err := db.Check(); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

func versionOf(t *testing.T, db *DB) int {
	t.Helper()
	s, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != s.SchemaVersion {
		t.Fatalf("SchemaVersion %d, Stats says %d", v, s.SchemaVersion)
	}
	return v
}

func TestMigrations(t *testing.T) {
	tests := []struct {
		name      string
		first     int // migrations known to the first open
		second    int // migrations known to the reopen
		wantRuns  map[int]int
		wantFinal int
	}{
		{"fresh store runs all once", 3, 3, map[int]int{1: 1, 2: 1, 3: 1}, 3},
		{"upgrade runs only the new ones", 1, 3, map[int]int{1: 1, 2: 1, 3: 1}, 3},
		{"reopen runs nothing", 2, 2, map[int]int{1: 1, 2: 1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			runs := map[int]int{}
			db, err := open(ctx, dir, Options{}, countingMigrations(tt.first, runs))
			if err != nil {
				t.Fatal(err)
			}
			mustClose(t, db)
			db, err = open(ctx, dir, Options{}, countingMigrations(tt.second, runs))
			if err != nil {
				t.Fatal(err)
			}
			defer mustClose(t, db)
			if got := versionOf(t, db); got != tt.wantFinal {
				t.Errorf("schema version %d, want %d", got, tt.wantFinal)
			}
			if fmt.Sprint(runs) != fmt.Sprint(tt.wantRuns) {
				t.Errorf("runs %v, want %v", runs, tt.wantRuns)
			}
		})
	}
}

func TestRealSchemaOpensFreshAndReopens(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if got := versionOf(t, db); got != SchemaVersion() {
			t.Errorf("open #%d: schema %d, want %d", i+1, got, SchemaVersion())
		}
		mustClose(t, db)
	}
}

func TestNewerSchemaIsRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	db, err := open(ctx, dir, Options{}, countingMigrations(3, map[int]int{}))
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	before, _ := os.ReadFile(filepath.Join(dir, FileName))

	_, err = open(ctx, dir, Options{}, countingMigrations(2, map[int]int{}))
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("open with older build: %v, want ErrSchemaTooNew", err)
	}
	if want := "file has schema 3, this Rapport knows up to 2"; !contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if string(before) != string(after) {
		t.Error("refused open modified the file")
	}
}

func TestFailedMigrationLeavesOldVersion(t *testing.T) {
	dir := t.TempDir()
	runs := map[int]int{}
	db, err := open(ctx, dir, Options{}, countingMigrations(1, runs))
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, db)
	ms := countingMigrations(3, runs)
	ms[2].apply = func(tx *bolt.Tx) error { return errors.New("boom") }
	if _, err := open(ctx, dir, Options{}, ms); err == nil || !contains(err.Error(), "migration 3") {
		t.Fatalf("open = %v, want migration 3 error", err)
	}
	db, err = open(ctx, dir, Options{}, countingMigrations(1, map[int]int{}))
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	st, _ := db.Stats(ctx)
	if st.SchemaVersion != 1 {
		t.Errorf("schema %d after failed upgrade, want 1", st.SchemaVersion)
	}
	if _, ok := st.Buckets["m2"]; ok {
		t.Error("bucket of migration 2 survived the rolled-back upgrade")
	}
}

func TestMigrationSequenceIsValidated(t *testing.T) {
	ms := countingMigrations(2, map[int]int{})
	ms[1].version = 5
	if _, err := open(ctx, t.TempDir(), Options{}, ms); err == nil {
		t.Fatal("open accepted a gap in migration versions")
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	// bbolt's flock is per open file description, so a second Open in the
	// same process contends exactly like a second process would.
	_, err = Open(ctx, dir, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open = %v, want ErrLocked", err)
	}
}

func TestCorruptFileGivesClearError(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"garbage", []byte("this is not a bbolt file, it is a shopping list: 牛奶, pain, eggs" + string(make([]byte, 8192)))},
		{"truncated header", []byte{0xed, 0xda, 0x0c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, FileName), tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(ctx, dir, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("open = %v, want ErrCorrupt", err)
			}
			got, _ := os.ReadFile(filepath.Join(dir, FileName))
			if string(got) != string(tt.data) {
				t.Error("open modified the damaged file")
			}
		})
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	db, err := Open(ctx, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	type ui struct{ Language, Theme string }
	var got ui
	if err := db.Setting(ctx, "ui", &got); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unset setting: %v, want ErrNotFound", err)
	}
	want := ui{"zh-CN", "dark"}
	if err := db.PutSetting(ctx, "ui", want); err != nil {
		t.Fatal(err)
	}
	if err := db.Setting(ctx, "ui", &got); err != nil || got != want {
		t.Fatalf("setting = %+v, %v; want %+v", got, err, want)
	}
}

func TestStaleTempIsRemoved(t *testing.T) {
	dir := t.TempDir()
	// A pid that cannot be alive: above the kernel's pid_max ceiling.
	stale := filepath.Join(dir, FileName+".tmp-99999999")
	if err := os.WriteFile(stale, []byte("half a store"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp still there: %v", err)
	}
}

// TestCrashWhileOpening kills a child process at random moments while it
// creates, migrates and writes the store, then checks that the store always
// opens cleanly afterwards: no half-written file, a consistent B+tree, and
// a schema version that is either absent or current.
func TestCrashWhileOpening(t *testing.T) {
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < rounds; round++ {
		dir := t.TempDir()
		for kill := 0; kill < 3; kill++ {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "RAPPORT_STORAGE_CRASH_CHILD="+dir)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rng.IntN(40000)) * time.Microsecond)
			cmd.Process.Kill()
			if err := cmd.Wait(); err != nil && cmd.ProcessState.ExitCode() == 3 {
				t.Fatalf("round %d: child failed on its own: %s", round, stderr.String())
			}
		}
		db, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatalf("round %d: open after crashes: %v", round, err)
		}
		if v := versionOf(t, db); v != SchemaVersion() {
			t.Errorf("round %d: schema %d", round, v)
		}
		mustClose(t, db)
	}
}

// TestMain turns the test binary into the crash victim when asked: it
// opens, writes and closes the store in a loop until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("RAPPORT_STORAGE_CRASH_CHILD"); dir != "" {
		crashChild(dir)
	}
	os.Exit(m.Run())
}

func crashChild(dir string) {
	for i := 0; ; i++ {
		db, err := Open(ctx, dir, Options{LockTimeout: 5 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		if err := db.PutSetting(ctx, "n"+strconv.Itoa(i%50), map[string]int{"i": i}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		db.Close()
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestMessageCounts: the message counts Status reads are written by the
// migration from what a store of the schema before holds, and PutMessage
// keeps them equal to a count of every message's key through new
// messages, edits, deletions, undeletions and stale versions.
func TestMessageCounts(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	put := func(db *DB, conv, id string, modified time.Time, deleted bool) {
		t.Helper()
		m := Message{ConvID: conv, ID: id, Type: "message", Created: at, Modified: modified}
		if deleted {
			m.Deleted = &modified
		}
		if err := db.Apply(ctx, func(w *Writer) error { _, err := w.PutMessage(m, Body{Raw: "<p>x</p>"}); return err }); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(db *DB) (n, tombs int) {
		t.Helper()
		var c msgCounts
		err := db.bolt.View(func(tx *bolt.Tx) (err error) {
			c, err = walkMsgCounts(tx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return int(c.messages), int(c.tombstones)
	}
	check := func(db *DB, step string, wantN, wantTombs int) {
		t.Helper()
		st, err := db.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, tombs := walk(db)
		if st.Messages != n || st.Tombstones != tombs || n != wantN || tombs != wantTombs {
			t.Errorf("%s: Status %d messages, %d tombstones; the keys %d, %d; want %d, %d", step, st.Messages, st.Tombstones, n, tombs, wantN, wantTombs)
		}
	}

	old, err := open(ctx, dir, Options{}, migrations[:len(migrations)-1])
	if err != nil {
		t.Fatal(err)
	}
	put(old, "c1", "1", at, false)
	put(old, "c1", "2", at, true)
	put(old, "c2", "3", at, false)
	mustClose(t, old)

	db, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer mustClose(t, db)
	check(db, "after the migration", 3, 1)
	put(db, "c2", "4", at, false)
	check(db, "a new message", 4, 1)
	put(db, "c2", "4", at.Add(time.Minute), false)
	check(db, "an edit", 4, 1)
	put(db, "c2", "4", at.Add(2*time.Minute), true)
	check(db, "a deletion", 4, 2)
	put(db, "c2", "4", at.Add(time.Second), false)
	check(db, "a stale version", 4, 2)
	put(db, "c1", "2", at.Add(time.Hour), false)
	check(db, "an undeletion", 4, 1)
	put(db, "c3", "5", at, true)
	check(db, "a new message deleted", 5, 2)
	// A transaction that fails writes no counts.
	boom := errors.New("boom")
	err = db.Apply(ctx, func(w *Writer) error {
		if _, err := w.PutMessage(Message{ConvID: "c3", ID: "6", Type: "message", Created: at, Modified: at}, Body{}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Apply: %v", err)
	}
	check(db, "a failed transaction", 5, 2)
}
