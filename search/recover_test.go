package search_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rapport-app/rapport/search"
	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestMain lets the kill test re-run this binary as an indexing process.
func TestMain(m *testing.M) {
	if dir := os.Getenv("RAPPORT_INDEX_CHILD"); dir != "" {
		os.Exit(killableIndexer(dir))
	}
	os.Exit(m.Run())
}

// killableIndexer indexes the store in dir in small batches, printing progress,
// until it is killed.
func killableIndexer(dir string) int {
	ctx := context.Background()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	ix, err := search.Open(ctx, dir, db, search.Options{Batch: 100, OnStatus: func(st search.Status) {
		fmt.Println("indexed", st.Indexed)
	}})
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	_ = ix.WaitIndexed(ctx)
	fmt.Println("done")
	select {} // wait for the kill
}

// TestIndexRecovers damages a built index (or kills the process building
// it) and checks that the next open catches up to an index equal to the
// oracle, leaving the store untouched.
func TestIndexRecovers(t *testing.T) {
	ctx := context.Background()
	rig := enginetest.Synced(t, tenantsim.Options{Seed: 17, Size: tenantsim.Medium})
	base := t.TempDir()
	if err := rig.DB.Snapshot(ctx, base); err != nil {
		t.Fatal(err)
	}
	damage := []struct {
		name string
		do   func(t *testing.T, dir string)
	}{
		{"index deleted", func(t *testing.T, dir string) {
			build(t, dir)
			must(t, os.RemoveAll(filepath.Join(dir, search.DirName())))
		}},
		{"segments truncated", func(t *testing.T, dir string) {
			build(t, dir)
			files, _ := filepath.Glob(filepath.Join(dir, search.DirName(), "store", "*.zap"))
			if len(files) == 0 {
				t.Fatal("no segment files to damage")
			}
			for _, f := range files {
				st, _ := os.Stat(f)
				must(t, os.Truncate(f, st.Size()/2))
			}
		}},
		{"root garbage", func(t *testing.T, dir string) {
			build(t, dir)
			must(t, os.WriteFile(filepath.Join(dir, search.DirName(), "store", "root.bolt"), []byte("not a bolt file at all"), 0o600))
		}},
		{"index of another layout", func(t *testing.T, dir string) {
			build(t, dir)
			must(t, os.Rename(filepath.Join(dir, search.DirName()), filepath.Join(dir, "index-v0")))
		}},
		{"killed mid-indexing", func(t *testing.T, dir string) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "RAPPORT_INDEX_CHILD="+dir)
			out, err := cmd.StdoutPipe()
			must(t, err)
			must(t, cmd.Start())
			sc := bufio.NewScanner(out)
			var n int
			for sc.Scan() {
				if _, err := fmt.Sscanf(sc.Text(), "indexed %d", &n); err == nil && n >= 3000 {
					break
				}
				if strings.HasPrefix(sc.Text(), "done") || strings.HasPrefix(sc.Text(), "error") {
					t.Fatalf("child finished before the kill: %s", sc.Text())
				}
			}
			must(t, cmd.Process.Signal(syscall.SIGKILL))
			_ = cmd.Wait()
			t.Logf("killed the indexer after %d documents", n)
		}},
	}
	for _, tc := range damage {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyStore(t, base, dir)
			tc.do(t, dir)
			before := storeState(t, dir)
			db, err := storage.Open(ctx, dir, storage.Options{})
			must(t, err)
			defer db.Close()
			ix, err := search.Open(ctx, dir, db, search.Options{})
			must(t, err)
			defer ix.Close()
			c, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			must(t, ix.WaitIndexed(c))
			if _, err := os.Stat(filepath.Join(dir, "index-v0")); err == nil {
				t.Error("the index of another layout was not removed")
			}
			o := buildOracle(t, ctx, db)
			checkOracle(t, ctx, ix, o, 60, 3)
			must(t, db.Check())
			ix.Close()
			db.Close()
			if after := storeState(t, dir); !reflect.DeepEqual(before.Status, after.Status) {
				t.Errorf("the store changed: %+v → %+v", before.Status, after.Status)
			}
		})
	}
}

// build indexes the store in dir completely and closes both.
func build(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dir, storage.Options{})
	must(t, err)
	defer db.Close()
	ix, err := search.Open(ctx, dir, db, search.Options{})
	must(t, err)
	must(t, ix.WaitIndexed(ctx))
	must(t, ix.Close())
}

type state struct{ Status storage.Status }

// storeState reads what the store holds (its cursors aside, which carry
// no index state).
func storeState(t *testing.T, dir string) state {
	t.Helper()
	db, err := storage.Open(context.Background(), dir, storage.Options{})
	must(t, err)
	defer db.Close()
	st, err := db.Status(context.Background())
	must(t, err)
	return state{st}
}

func copyStore(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(from, storage.FileName))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(to, storage.FileName), b, 0o600))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
