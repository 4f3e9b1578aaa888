package tenantsim

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCAVouchesForLoopbackOnly signs certificates for many hosts with the
// tenant's CA key: only loopback addresses and localhost verify, so a
// client that trusts the CA file trusts it for nothing else.
func TestCAVouchesForLoopbackOnly(t *testing.T) {
	c, err := newCerts()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		ips   []net.IP
		dns   []string
		check string // the name verified
		ok    bool
	}{
		{"the tenant's own leaf names", []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, []string{"localhost"}, "127.0.0.1", true},
		{"another loopback address", []net.IP{net.IPv4(127, 8, 9, 10)}, nil, "127.8.9.10", true},
		{"localhost", nil, []string{"localhost"}, "localhost", true},
		{"a public host", nil, []string{"login.microsoftonline.com"}, "login.microsoftonline.com", false},
		{"a look-alike", nil, []string{"localhost.example.com"}, "localhost.example.com", false},
		{"a private address", []net.IP{net.IPv4(192, 168, 1, 1)}, nil, "192.168.1.1", false},
		{"a public address", []net.IP{net.IPv4(8, 8, 8, 8)}, nil, "8.8.8.8", false},
		{"an IPv6 address", []net.IP{net.ParseIP("2001:db8::1")}, nil, "2001:db8::1", false},
		{"loopback beside a public host", []net.IP{net.IPv4(127, 0, 0, 1)}, []string{"graph.microsoft.com"}, "127.0.0.1", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			tmpl := &x509.Certificate{
				SerialNumber: big.NewInt(int64(100 + i)),
				Subject:      pkix.Name{CommonName: tt.check},
				NotBefore:    time.Now().Add(-time.Hour),
				NotAfter:     time.Now().Add(time.Hour),
				KeyUsage:     x509.KeyUsageDigitalSignature,
				ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
				IPAddresses:  tt.ips,
				DNSNames:     tt.dns,
			}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, c.ca, &key.PublicKey, c.caKey)
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			_, err = leaf.Verify(x509.VerifyOptions{Roots: c.pool, DNSName: tt.check})
			if (err == nil) != tt.ok {
				t.Fatalf("verify %s: %v, want ok=%v", tt.check, err, tt.ok)
			}
		})
	}
}

// TestWriteCA writes the CA certificate where a careless or hostile
// neighbour could have prepared the ground: the file always ends up a
// fresh file holding the CA, owner-only, and nothing outside the directory
// is touched.
func TestWriteCA(t *testing.T) {
	srv, err := New(Options{Seed: 1, Size: Small})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) // before WriteCA(dir)
		wantErr bool
	}{
		{"a missing directory is made owner-only", func(t *testing.T, dir string) {}, false},
		{"an old certificate is replaced", func(t *testing.T, dir string) {
			mkdir(t, dir, 0o700)
			write(t, filepath.Join(dir, "tenantsim-ca.pem"), "old")
		}, false},
		{"a symbolic link at the name is replaced, not followed", func(t *testing.T, dir string) {
			mkdir(t, dir, 0o700)
			if err := os.Symlink(filepath.Join(filepath.Dir(dir), "victim"), filepath.Join(dir, "tenantsim-ca.pem")); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a directory others may write to is refused", func(t *testing.T, dir string) { mkdir(t, dir, 0o777) }, true},
		{"a symbolic link to a directory is refused", func(t *testing.T, dir string) {
			mkdir(t, dir+"-real", 0o700)
			if err := os.Symlink(dir+"-real", dir); err != nil {
				t.Fatal(err)
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := t.TempDir()
			victim := filepath.Join(base, "victim")
			write(t, victim, "precious")
			dir := filepath.Join(base, "ca")
			tt.prepare(t, dir)
			p, err := srv.WriteCA(dir)
			if got, _ := os.ReadFile(victim); string(got) != "precious" {
				t.Fatalf("a file outside the directory changed: %q", got)
			}
			if tt.wantErr {
				if err == nil {
					t.Fatalf("WriteCA(%s) wrote %s", dir, p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(p)
			if err != nil {
				t.Fatal(err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s: mode %v, want a regular owner-only file", p, fi.Mode())
			}
			if got, _ := os.ReadFile(p); !bytes.Equal(got, srv.CAPEM()) {
				t.Errorf("%s does not hold the CA", p)
			}
			if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
				t.Errorf("directory mode %v, want 0700", di.Mode().Perm())
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".tenantsim-ca-*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
