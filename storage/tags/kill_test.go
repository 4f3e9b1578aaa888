package tags_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// TestMain lets TestBulkKilled re-run this binary as a process that
// bulk-tags until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("RAPPORT_TAGS_CHILD"); dir != "" {
		os.Exit(bulkTagger(dir))
	}
	os.Exit(m.Run())
}

const killItems = 10000

// killTargets are the messages the kill test tags.
func killTargets() []storage.ItemTagEdit {
	items := make([]storage.ItemTagEdit, killItems)
	for i := range items {
		items[i].Target = storage.MessageTarget(chat, fmt.Sprintf("m%05d", i))
	}
	return items
}

// bulkTagger puts bulk1, bulk2, … on every message, one bulk change per
// transaction, printing "committed N" after each, until it is killed.
func bulkTagger(dir string) int {
	ctx := context.Background()
	db, err := storage.Open(ctx, dir, storage.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 3
	}
	items := killTargets()
	for n := 1; ; n++ {
		for i := range items {
			items[i].Add = []string{fmt.Sprint("bulk", n)}
		}
		if _, err := db.EditTags(ctx, storage.TagEdit{What: "bulk", Items: items, Journal: true}); err != nil {
			fmt.Println("error", err)
			return 3
		}
		fmt.Println("committed", n)
	}
}

// TestBulkKilled SIGKILLs a process in the middle of a bulk change of
// 10,000 messages (it has committed two, the third is under way) and
// reopens the store: every bulk change is there whole or not at all, the
// last one kept for undo is the last one committed, every committed
// change queued its messages for the index, and bbolt's check passes.
func TestBulkKilled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, dir, storage.Options{})
	must(t, err)
	seed(t, db)
	must(t, db.Apply(ctx, func(w *storage.Writer) error {
		for i := 0; i < killItems; i++ {
			m := storage.Message{ConvID: chat, ID: fmt.Sprintf("m%05d", i), Type: "message", Created: t0.Add(time.Duration(i) * time.Second)}
			m.Modified = m.Created
			if _, err := w.PutMessage(m, storage.Body{Raw: "<p>bulk target</p>"}); err != nil {
				return err
			}
		}
		return nil
	}))
	q0, err := db.IndexQueueState(ctx)
	must(t, err)
	must(t, db.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RAPPORT_TAGS_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	sc := bufio.NewScanner(out)
	committed := 0
	for committed < 2 && sc.Scan() {
		if strings.HasPrefix(sc.Text(), "error") {
			t.Fatalf("child: %s", sc.Text())
		}
		fmt.Sscanf(sc.Text(), "committed %d", &committed)
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	for sc.Scan() { // lines written before the kill
		fmt.Sscanf(sc.Text(), "committed %d", &committed)
	}
	if committed < 2 {
		t.Fatalf("the child stopped after %d changes", committed)
	}

	db, err = storage.Open(ctx, dir, storage.Options{})
	must(t, err)
	defer db.Close()
	must(t, db.Check())
	c, err := db.TagCounts(ctx)
	must(t, err)
	last := 0
	for n := 1; n <= committed+1; n++ {
		switch got := c[fmt.Sprint("bulk", n)]; {
		case got == killItems:
			last = n
		case got != 0:
			t.Fatalf("bulk%d is on %d of %d messages: half a change survived the kill", n, got, killItems)
		case n <= committed:
			t.Fatalf("bulk%d was committed but is gone", n)
		}
	}
	t.Logf("killed after %d committed changes; %d survived whole (the one under way: %v)", committed, last, last > committed)
	ch, ok, err := db.LastTagChange(ctx)
	must(t, err)
	if !ok || ch.Items != killItems {
		t.Fatalf("undo keeps %+v (%v), want the last committed change of %d items", ch, ok, killItems)
	}
	q1, err := db.IndexQueueState(ctx)
	must(t, err)
	if got := q1.Last - q0.Last; got != uint64(last*killItems) {
		t.Fatalf("%d documents queued for %d changes of %d messages", got, last, killItems)
	}
}
