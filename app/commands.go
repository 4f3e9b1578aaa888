package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/rapport-app/rapport/sync/auth"
	"github.com/rapport-app/rapport/sync/cloud"
	"github.com/rapport-app/rapport/sync/engine"
	"github.com/rapport-app/rapport/sync/tenantsim"
)

// syncInterval is how often the open app runs a quick round on its own
// (see Core.schedule): new chat messages arrive within about this long.
const syncInterval = 20 * time.Second

// cliSync signs in by device code when needed and runs one round,
// reporting progress on w.
func cliSync(ctx context.Context, cfg Config, full bool, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	events, unsubscribe := core.events.Subscribe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			if p, ok := ev.Data.(engine.Progress); ok {
				fmt.Fprintln(w, progressLine(p))
			}
		}
	}()
	if conn, err := core.connect(); err == nil {
		if where, why := conn.sess.CacheWhere(); why != "" {
			fmt.Fprintf(w, "note: %s\n", why)
		} else {
			fmt.Fprintf(w, "sign-in tokens: %s\n", where)
		}
	}
	p, err := core.runSync(ctx, engine.RoundOptions{Full: full}, func(dc auth.DeviceCode) {
		fmt.Fprintf(w, "Sign in: %s\n", dc.Message)
	})
	unsubscribe()
	<-done
	if err != nil {
		if p.Errors > 1 {
			return fmt.Errorf("sync failed (%d errors): %w", p.Errors, err)
		}
		return fmt.Errorf("sync failed: %w", err)
	}
	fmt.Fprintf(w, "sync: done — %d messages and %d records written, %d requests, %s\n",
		p.Messages, p.Records, p.Requests, time.Since(p.Started).Round(time.Millisecond))
	return nil
}

// cliSignOut forgets the account and deletes the token cache.
func cliSignOut(cfg Config, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	if err := core.Sync.SignOut(); err != nil {
		return err
	}
	fmt.Fprintln(w, "Signed out; tokens deleted. Synced data stays in", cfg.DataDir)
	return nil
}

// progressLine renders progress for a terminal.
func progressLine(p engine.Progress) string {
	el := time.Since(p.Started).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.Messages) / el
	}
	eta := ""
	if p.ETA > 0 {
		eta = fmt.Sprintf(", ETA %s", (time.Duration(p.ETA) * time.Second).String())
	}
	errs := "" // never "0 errors"
	if p.Errors == 1 {
		errs = ", 1 error"
	} else if p.Errors > 1 {
		errs = fmt.Sprintf(", %d errors", p.Errors)
	}
	return fmt.Sprintf("sync: %s %d/%d conversations, %d messages (%.0f/s), %d records, %d requests%s%s — %s",
		p.Phase, p.Done, p.Total, p.Messages, rate, p.Records, p.Requests, errs, eta, p.Current)
}

// cliStatus prints what the store holds.
func cliStatus(ctx context.Context, cfg Config, asJSON bool, version string, log *slog.Logger, w io.Writer) error {
	core := newCore(cfg, ModeCLI, version, log)
	defer core.Close()
	if err := core.openStore(); err != nil {
		return err
	}
	db, _ := core.store()
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(w, st)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "store\t%s\n", db.Path())
	fmt.Fprintf(tw, "teams\t%d\nchannels\t%d\nchats\t%d\n", st.Teams, st.Channels, st.Chats)
	fmt.Fprintf(tw, "messages\t%d (%d deleted upstream)\n", st.Messages, st.Tombstones)
	fmt.Fprintf(tw, "users\t%d (%d guests)\n", st.Users, st.Guests)
	fmt.Fprintf(tw, "members\t%d owners, %d members, %d guests\n", st.MembersByRole["owner"], st.MembersByRole["member"], st.MembersByRole["guest"])
	var sets []string
	for s := range st.Records {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	for _, s := range sets {
		fmt.Fprintf(tw, "records: %s\t%d\n", s, st.Records[s])
	}
	tw.Flush()
	kinds := map[string][]time.Time{}
	errs := 0
	for _, c := range st.Cursors {
		kind := c.Source
		if i := indexByte(kind, ':'); i > 0 {
			kind = kind[:i]
		}
		kinds[kind] = append(kinds[kind], c.LastSync)
		if c.State == "error" {
			errs++
			fmt.Fprintf(w, "error: %s: %s\n", c.Source, c.Error)
		}
	}
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		oldest := time.Time{}
		for _, t := range kinds[k] {
			if oldest.IsZero() || t.Before(oldest) {
				oldest = t
			}
		}
		last := "never"
		if !oldest.IsZero() {
			last = oldest.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "source %-8s %4d cursors, all synced since %s\n", k, len(kinds[k]), last)
	}
	if errs > 0 {
		return fmt.Errorf("%d sources failed in the last sync", errs)
	}
	return nil
}

func indexByte(s string, b byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return i
		}
	}
	return -1
}

type demoOptions struct {
	size    string
	addr    string
	browser bool
}

// runDemo starts a simulated tenant in-process, points Rapport at it with
// a fresh demo store, signs in (the tenant approves the device code), syncs
// and opens the UI: the window with a display, browser mode without.
func runDemo(ctx context.Context, cfg Config, o demoOptions, assets fs.FS, version string, log *slog.Logger, stdout io.Writer) error {
	size, err := tenantsim.ParseSize(o.size)
	if err != nil {
		return fmt.Errorf("%w: %w", errInvalid, err)
	}
	// The demo's tenant serves only this process: it signs the user in
	// without asking. Its control API still wants the token printed below.
	srv, err := tenantsim.New(tenantsim.Options{Seed: 1, Size: size, AutoApprove: true})
	if err != nil {
		return err
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		return err
	}
	defer srv.Stop()
	u := srv.URLs()
	cfg.Cloud = cloud.Global
	cfg.Overrides = cloud.Endpoints{Authority: u.Authority, Graph: u.Graph, Dataverse: u.Dataverse, Tenant: u.Tenant, ClientID: u.ClientID}
	cfg.Sources = map[string]string{}
	for _, f := range connectionFlags {
		cfg.Sources[f.field] = "rapport demo"
	}
	cfg.TokenCache = "memory"
	// The demo never touches a real store: it gets its own, fresh each run.
	cfg.DataDir = filepath.Join(cfg.DataDir, "demo")
	if err := os.RemoveAll(cfg.DataDir); err != nil {
		return fmt.Errorf("reset demo store: %w", err)
	}
	sum := srv.Summary()
	fmt.Fprintf(stdout, "Demo: simulated tenant %s with %d teams, %d chats, %d messages; store %s\n",
		u.Authority, sum.Teams, sum.Chats, sum.Messages, cfg.DataDir)
	fmt.Fprintf(stdout, "Its control API (%s/_control/…) wants: Authorization: Bearer %s\n", u.Authority, srv.ControlToken())
	setup := func(c *Core) {
		c.sync.tls = &tls.Config{RootCAs: srv.CertPool()}
		c.startRound(engine.RoundOptions{}, func(dc auth.DeviceCode) {
			log.Info("demo sign-in (approved by the simulated tenant)", "code", dc.UserCode)
		})
	}
	if !o.browser && (os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("OS") == "Windows_NT" || isDarwin()) {
		return runWindow(ctx, cfg, assets, version, log, setup)
	}
	return serve(ctx, cfg, o.addr, assets, version, log, stdout, setup)
}

// printJSON prints a command's --json answer, indented.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
