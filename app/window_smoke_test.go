//go:build windowsmoke

package app

// The native-window smoke test. It runs the built binary (RAPPORT_BIN) on
// an X display (run it under xvfb-run; `make test` does), waits until the
// frontend reports that its shell rendered, screenshots the screen and
// checks that the pixels are the app shell, not a blank page. With a D-Bus
// session (dbus-run-session) it also checks that a second launch hands over
// to the first window.
//
//	RAPPORT_BIN=build/bin/rapport dbus-run-session -- xvfb-run -a \
//	    go test -tags windowsmoke -run TestNativeWindow ./app

import (
	"bufio"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// window is one running rapport process whose log we watch.
type window struct {
	cmd     *exec.Cmd
	started time.Time
	mu      sync.Mutex
	log     strings.Builder
	stamps  []stamp // every line, with when it arrived
	done    chan struct{}
}

type stamp struct {
	line string
	at   time.Time
}

// startWindow runs bin on dataDir with args after it and env added.
func startWindow(t testing.TB, bin, dataDir string, args []string, env ...string) *window {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--data-dir", dataDir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	w := &window{cmd: cmd, started: start, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			now := time.Now()
			w.mu.Lock()
			w.log.WriteString(sc.Text() + "\n")
			w.stamps = append(w.stamps, stamp{sc.Text(), now})
			w.mu.Unlock()
		}
		cmd.Wait()
	}()
	t.Cleanup(w.stop)
	return w
}

// stop interrupts the process and waits for it to exit (killed after 10 s).
func (w *window) stop() {
	w.cmd.Process.Signal(os.Interrupt)
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		w.cmd.Process.Kill()
		<-w.done
	}
}

func (w *window) logText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.log.String()
}

// waitFor polls the log for s and returns the line holding it.
func (w *window) waitFor(t testing.TB, s string, timeout time.Duration) string {
	line, _ := w.waitAt(t, s, timeout)
	return line
}

// waitAt polls the log for s and returns the line and when it arrived.
func (w *window) waitAt(t testing.TB, s string, timeout time.Duration) (string, time.Time) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		for _, st := range w.stamps {
			if strings.Contains(st.line, s) {
				w.mu.Unlock()
				return st.line, st.at
			}
		}
		w.mu.Unlock()
		select {
		case <-w.done:
			t.Fatalf("rapport exited before logging %q:\n%s", s, w.logText())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("no %q within %v; log:\n%s", s, timeout, w.logText())
	return "", time.Time{}
}

func screenshot(t *testing.T, name string) image.Image {
	t.Helper()
	dir := os.Getenv("RAPPORT_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "import", "-window", "root", path).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	t.Logf("screenshot: %s", path)
	return img
}

// census counts pixels per colour.
func census(img image.Image) map[color.RGBA]int {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}]++
		}
	}
	return counts
}

func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 255}
}

func TestNativeWindow(t *testing.T) {
	bin := os.Getenv("RAPPORT_BIN")
	if bin == "" {
		t.Fatal("RAPPORT_BIN must name the built rapport binary (make build)")
	}
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no DISPLAY: run under xvfb-run")
	}
	tests := []struct {
		name     string
		lang     string
		locale   string
		sidebar  uint32 // --sidebar-bg of the light theme (styles.css)
		mainBg   uint32 // --bg
		minShare float64
	}{
		// The window opens 1200 px wide, under 1280 px: the sidebar is its
		// icon rail (56 px), about 4% of the 1280×800 screen; a window
		// that did not paint has none.
		{"english", "en_GB.UTF-8", "en", 0x1b2640, 0xf6f7fb, 0.03},
		{"chinese", "zh_CN.UTF-8", "zh-CN", 0x1b2640, 0xf6f7fb, 0.03},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := startWindow(t, bin, t.TempDir(), nil, "LANG="+tt.lang, "LC_ALL=", "LC_MESSAGES=")
			line := w.waitFor(t, `msg="ui ready"`, 90*time.Second)
			for _, want := range []string{"mode=window", "sections=7", "locale=" + tt.locale} {
				if !strings.Contains(line, want) {
					t.Errorf("ready line %q lacks %q", line, want)
				}
			}
			time.Sleep(1500 * time.Millisecond) // let the compositor paint the frame
			img := screenshot(t, "window-"+tt.name+".png")
			counts := census(img)
			total := float64(img.Bounds().Dx() * img.Bounds().Dy())
			if share := float64(counts[rgb(tt.sidebar)]) / total; share < tt.minShare {
				t.Errorf("sidebar colour covers %.1f%% of the screen, want ≥ %.0f%%: the shell did not paint", 100*share, 100*tt.minShare)
			}
			if share := float64(counts[rgb(tt.mainBg)]) / total; share < 0.25 {
				t.Errorf("content background covers %.1f%% of the screen, want ≥ 25%%", 100*share)
			}
			// Text is antialiased: a rendered page has many colours, a
			// blank or single-colour page very few.
			if len(counts) < 60 {
				t.Errorf("only %d distinct colours: no text rendered", len(counts))
			}
		})
	}
}

func TestSecondLaunchFocusesFirst(t *testing.T) {
	bin := os.Getenv("RAPPORT_BIN")
	if bin == "" || os.Getenv("DISPLAY") == "" {
		t.Fatal("RAPPORT_BIN and DISPLAY are required")
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("the single-instance lock needs a D-Bus session: run under dbus-run-session")
	}
	dir := t.TempDir()
	first := startWindow(t, bin, dir, nil)
	first.waitFor(t, `msg="ui ready"`, 90*time.Second)
	second := startWindow(t, bin, dir, nil)
	select {
	case <-second.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("second launch still running after 30s; its log:\n%s", second.logText())
	}
	first.waitFor(t, "second instance launched", 10*time.Second)
	if strings.Contains(second.logText(), "ui ready") {
		t.Error("second launch opened its own window")
	}
}
