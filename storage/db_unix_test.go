//go:build unix

package storage

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Unix modes: the data directory is 0700 and the store 0600 whatever the
// umask (Windows has ACLs instead: the per-user %LocalAppData%).
func TestPermissions(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	tests := []struct {
		name    string
		prepare func(dir string)
	}{
		{"fresh", func(string) {}},
		{"tightens wide dir and file", func(dir string) {
			os.MkdirAll(dir, 0o777)
			os.Chmod(dir, 0o777)
			db, err := Open(ctx, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			os.Chmod(filepath.Join(dir, FileName), 0o666)
			os.Chmod(dir, 0o777)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			tt.prepare(dir)
			db, err := Open(ctx, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer mustClose(t, db)
			for path, want := range map[string]os.FileMode{dir: 0o700, db.Path(): 0o600} {
				st, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := st.Mode().Perm(); got != want {
					t.Errorf("%s: mode %o, want %o", path, got, want)
				}
			}
		})
	}
}
