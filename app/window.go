package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"
)

// runWindow opens the native window and returns when it closes. The store
// is opened in OnStartup, after Wails' single-instance check, so a second
// launch hands over to the first instead of failing on the store lock.
func runWindow(ctx context.Context, cfg Config, assets fs.FS, version string, log *slog.Logger, setup func(*Core)) error {
	core := newCore(cfg, ModeWindow, version, log)
	defer core.Close()
	var wailsCtx atomic.Pointer[context.Context]
	err := wails.Run(&options.App{
		Title:            "Rapport",
		Width:            1200,
		Height:           780,
		MinWidth:         900,
		MinHeight:        600,
		BackgroundColour: options.NewRGB(0x1b, 0x26, 0x40),
		AssetServer: &assetserver.Options{
			Assets:     assets,
			Handler:    http.HandlerFunc(core.serveHosted), // inline images; everything else is an asset
			Middleware: func(next http.Handler) http.Handler { return withCSP(next) },
		},
		Bind:           slices.Collect(maps.Values(core.services())), // the services browser mode serves too
		ErrorFormatter: func(err error) any { return toError(err) },
		Logger:         wailsLogger{log},
		OnStartup: func(wctx context.Context) {
			wailsCtx.Store(&wctx)
			core.mu.Lock()
			core.openURL = func(u string) { wruntime.BrowserOpenURL(wctx, u) }
			core.mu.Unlock()
			if core.openStore() == nil {
				core.openIndex()
			}
			core.bridgeEvents(wctx)
			if setup != nil {
				setup(core)
			}
			core.schedule(syncInterval)
			core.goFunc(func(c context.Context) {
				// Quit the window when the process is told to stop.
				select {
				case <-ctx.Done():
					wruntime.Quit(wctx)
				case <-c.Done():
				}
			})
		},
		OnShutdown: func(context.Context) { core.Close() },
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId: instanceID(cfg.DataDir),
			OnSecondInstanceLaunch: func(options.SecondInstanceData) {
				wctx := wailsCtx.Load()
				if wctx == nil {
					return
				}
				log.Info("second instance launched: focusing this window")
				wruntime.WindowUnminimise(*wctx)
				wruntime.WindowShow(*wctx)
			},
		},
		Linux: &linux.Options{ProgramName: "rapport", WebviewGpuPolicy: linux.WebviewGpuPolicyOnDemand},
	})
	if err != nil && strings.Contains(err.Error(), "build tags") {
		return fmt.Errorf("this rapport was built without its window (build it with `make build`); `rapport serve` works: %w", err)
	}
	return err
}

// bridgeEvents forwards hub events to the window's frontend.
func (c *Core) bridgeEvents(wctx context.Context) {
	events, unsubscribe := c.events.Subscribe()
	c.goFunc(func(ctx context.Context) {
		defer unsubscribe()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				wruntime.EventsEmit(wctx, ev.Name, ev.Data)
			}
		}
	})
}

// instanceID is the single-instance key: one window per data directory.
func instanceID(dataDir string) string {
	sum := sha256.Sum256([]byte(dataDir))
	return "app.rapport.desktop." + hex.EncodeToString(sum[:6])
}

func withCSP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", CSP)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// wailsLogger sends Wails' own log lines to our structured log.
type wailsLogger struct{ log *slog.Logger }

func (l wailsLogger) Print(m string)   { l.log.Info(m, "src", "wails") }
func (l wailsLogger) Trace(m string)   { l.log.Debug(m, "src", "wails") }
func (l wailsLogger) Debug(m string)   { l.log.Debug(m, "src", "wails") }
func (l wailsLogger) Info(m string)    { l.log.Info(m, "src", "wails") }
func (l wailsLogger) Warning(m string) { l.log.Warn(m, "src", "wails") }
func (l wailsLogger) Error(m string)   { l.log.Error(m, "src", "wails") }
func (l wailsLogger) Fatal(m string)   { l.log.Error(m, "src", "wails") }
