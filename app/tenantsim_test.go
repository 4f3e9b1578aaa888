package app

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTenantsimCommand runs `rapport tenantsim`, reads the endpoints it
// prints, trusts the CA file it wrote (by default in an owner-only
// directory of the user's cache, not the shared temporary directory) and
// asks the control API about the world, as the demo and out-of-process
// tests do.
func TestTenantsimCommand(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- runTenantsim(ctx, []string{"--seed", "3", "--size", "small", "--json"}, pw, io.Discard)
		pw.Close()
	}()
	var out struct {
		Summary struct {
			URLs struct {
				Authority string `json:"authorityUrl"`
				Graph     string `json:"graphUrl"`
			} `json:"urls"`
			Messages int `json:"generatedMessages"`
		} `json:"summary"`
		CAFile       string `json:"caFile"`
		ControlToken string `json:"controlToken"`
	}
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(line), &out); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	if want := filepath.Join(cache, "rapport", "tenantsim", "tenantsim-ca.pem"); out.CAFile != want {
		t.Errorf("CA file %s, want %s", out.CAFile, want)
	}
	if fi, err := os.Stat(filepath.Dir(out.CAFile)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("CA directory: %v, %v; want mode 0700", fi, err)
	}
	pem, err := os.ReadFile(out.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("CA file holds no certificate")
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	// The control API wants the run's token; anyone else on the machine
	// gets nothing.
	resp, err := c.Get(out.Summary.URLs.Authority + "/_control/world")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(out.ControlToken) < 32 {
		t.Fatalf("control API without the token: %d (token %q)", resp.StatusCode, out.ControlToken)
	}
	req, _ := http.NewRequest("GET", out.Summary.URLs.Authority+"/_control/world", nil)
	req.Header.Set("Authorization", "Bearer "+out.ControlToken)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"generatedMessages"`) || out.Summary.Messages < 1000 {
		t.Fatalf("control API: %d %s", resp.StatusCode, body)
	}
	// Graph answers, and refuses an anonymous caller as Graph does.
	resp, err = c.Get(out.Summary.URLs.Graph + "/v1.0/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("anonymous /me: %d, want 401", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func TestTenantsimFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--size", "huge"}, "want small, medium, large"},
		{[]string{"--faults", "teapot=1"}, "unknown kind"},
		{[]string{"--addr", "0.0.0.0:0"}, "loopback only"},
	}
	for _, tt := range tests {
		var errb strings.Builder
		if code := runTenantsim(context.Background(), tt.args, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errb.String(), tt.want)
		}
	}
}
