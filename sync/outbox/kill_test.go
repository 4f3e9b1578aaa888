package outbox_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/dataverse"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/engine/enginetest"
	"github.com/rapport-app/rapport/sync/outbox"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// TestMain lets TestPushKilled re-run this binary as the pushing process.
func TestMain(m *testing.M) {
	if dir := os.Getenv("RAPPORT_PUSH_CHILD"); dir != "" {
		os.Exit(pushChild(dir))
	}
	os.Exit(m.Run())
}

// pushChild pushes the outbox of the store in dir, one operation at a
// time, printing each result, until killed.
func pushChild(dir string) int {
	ctx := context.Background()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	pem, _ := os.ReadFile(os.Getenv("RAPPORT_PUSH_CA"))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	token := os.Getenv("RAPPORT_PUSH_TOKEN")
	dv, err := dataverse.New(os.Getenv("RAPPORT_PUSH_DATAVERSE"), &tls.Config{RootCAs: pool}, auth.Static(token))
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	for {
		res, err := outbox.Push(ctx, db, dv, nil, time.Now)
		fmt.Printf("pushed %+v %v\n", res, err)
		if res.Waiting == 0 {
			break
		}
	}
	fmt.Println("done")
	select {}
}

// TestPushKilled SIGKILLs a process in the middle of pushing (the tenant
// answers slowly, so requests are in the air), then pushes again from the
// store it left: every edit ends done, once.
func TestPushKilled(t *testing.T) {
	r := enginetest.New(t, tenantsim.Options{Seed: 4, Size: tenantsim.Small, Latency: 40 * time.Millisecond}, engine.Options{})
	chats := r.Srv.Tenant().World().Chats[:5]
	cases := r.Srv.Tenant().Rows("incidents")[:4]
	want := map[string]bool{}
	for i := 0; i < 20; i++ {
		chat, rec := chats[i%5].ID, cases[(i/5)%4]["incidentid"].(string)
		_, err := r.DB.SetLink(ctx, chat, "incidents", rec, true, "me", "", time.Now())
		must(t, err)
		want[chat+"→"+rec] = true
	}
	dir := t.TempDir()
	must(t, r.DB.Snapshot(ctx, dir))
	ca, err := r.Srv.WriteCA(t.TempDir())
	must(t, err)
	tok, err := r.DVTokens.Token(ctx, "", "")
	must(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RAPPORT_PUSH_CHILD="+dir, "RAPPORT_PUSH_CA="+ca, "RAPPORT_PUSH_TOKEN="+tok,
		"RAPPORT_PUSH_DATAVERSE="+r.Srv.URLs().Dataverse)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	// Kill once a few rows have landed: the next request is in the air.
	deadline := time.Now().Add(30 * time.Second)
	for len(r.Srv.Tenant().Rows("chats")) < len(before(r))+3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	var lines []string
	for sc := bufio.NewScanner(out); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	if len(lines) > 0 && lines[len(lines)-1] == "done" {
		t.Fatal("the child finished before the kill")
	}
	db, err := storage.Open(ctx, dir, storage.Options{})
	must(t, err)
	defer db.Close()
	mid, err := db.Outbox(ctx, storage.OpInFlight)
	must(t, err)
	done, err := db.Outbox(ctx, storage.OpDone)
	must(t, err)
	t.Logf("killed with %d operations done and %d in flight", len(done), len(mid))
	for i := 0; i < 3; i++ {
		_, err := outbox.Push(ctx, db, r.DV, r.G, time.Now)
		must(t, err)
	}
	all, err := db.Outbox(ctx)
	must(t, err)
	for _, op := range all {
		if op.State != storage.OpDone {
			t.Errorf("#%d %s: %s", op.Seq, op.State, op.Error)
		}
	}
	got := map[string]int{}
	for _, row := range r.Srv.Tenant().Rows("chats") {
		got[row["teamschatid"].(string)+"→"+fmt.Sprint(row["_regardingobjectid_value"])]++
	}
	var bad []string
	for k := range want {
		if got[k] != 1 {
			bad = append(bad, fmt.Sprintf("%s: %d rows", k, got[k]))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("after the kill and a clean push:\n%s", strings.Join(bad, "\n"))
	}
	must(t, db.Check())
}

// before lists the tenant's link rows that are not the test's (the
// generator's own chat links).
func before(r *enginetest.Rig) []tenantsim.Row {
	var out []tenantsim.Row
	for _, row := range r.Srv.Tenant().Rows("chats") {
		if row["regardingobjecttypecode"] != "incident" {
			out = append(out, row)
		}
	}
	return out
}
