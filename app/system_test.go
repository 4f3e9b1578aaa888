package app

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestOpenSearchAndFirstResult: --search reaches the UI through Info, and
// the time to the first hits is logged once per launch, never for none.
func TestOpenSearchAndFirstResult(t *testing.T) {
	var log bytes.Buffer
	core := newCore(Config{DataDir: t.TempDir(), Cloud: "global", OpenSearch: "付款 from:王"}, ModeBrowser, "test", slog.New(slog.NewTextHandler(&log, nil)))
	defer core.Close()
	if err := core.openStore(); err != nil {
		t.Fatal(err)
	}
	sys := &System{c: core}
	info, err := sys.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.OpenSearch != "付款 from:王" || info.SchemaVersion == 0 || info.StorePath == "" {
		t.Errorf("Info = %+v, want the query, a schema version and the store's path", info)
	}
	if err := sys.FirstResult(FirstResult{Hits: 0}); !errors.Is(err, errInvalid) {
		t.Errorf("FirstResult with no hits: %v, want errInvalid", err)
	}
	for _, n := range []int{12, 50} {
		if err := sys.FirstResult(FirstResult{Hits: n}); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Count(log.String(), `msg="first result"`); got != 1 {
		t.Errorf("%d first-result lines, want 1:\n%s", got, log.String())
	}
	if !strings.Contains(log.String(), "hits=12 since_launch_ms=") {
		t.Errorf("the first report is not the one logged:\n%s", log.String())
	}
}
