package storage

import (
	"bytes"
	"cmp"
	"errors"
	"testing"
)

func TestKeyRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int64
	}{
		{"empty", "", 0},
		{"ascii", "19:abc@thread.v2", 1},
		{"nul bytes", "a\x00b\x00\x00", -1},
		{"cjk", "华东客户群", 1<<63 - 1},
		{"trailing escape look-alike", "x\xff\x01", -1 << 63},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key(nil).str(tt.s).i64(tt.n).str(tt.s)
			r := keyReader{b: k}
			s1, n, s2 := r.str(), r.i64(), r.str()
			if err := r.done(); err != nil {
				t.Fatalf("decode %x: %v", k, err)
			}
			if s1 != tt.s || n != tt.n || s2 != tt.s {
				t.Fatalf("got (%q,%d,%q), want (%q,%d,%q)", s1, n, s2, tt.s, tt.n, tt.s)
			}
		})
	}
}

func TestKeyReaderRejectsMalformed(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"unterminated", []byte("abc")},
		{"bad escape", []byte{'a', 0x00, 0x07}},
		{"dangling nul", []byte{'a', 0x00}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := keyReader{b: tt.b}
			r.str()
			if err := r.done(); !errors.Is(err, ErrBadKey) {
				t.Fatalf("done() = %v, want ErrBadKey", err)
			}
		})
	}
	r := keyReader{b: []byte{1, 2, 3}}
	r.i64()
	if err := r.done(); !errors.Is(err, ErrBadKey) {
		t.Fatalf("short int: done() = %v, want ErrBadKey", err)
	}
	r = keyReader{b: key(nil).str("a").i64(3)}
	r.str()
	if err := r.done(); !errors.Is(err, ErrBadKey) {
		t.Fatalf("trailing bytes: done() = %v, want ErrBadKey", err)
	}
}

// FuzzKeyRoundTrip checks that every (string, int64, string) tuple decodes
// back to itself.
func FuzzKeyRoundTrip(f *testing.F) {
	f.Add("chat", int64(0), "msg")
	f.Add("\x00\x01\xff", int64(-1), "")
	f.Fuzz(func(t *testing.T, a string, n int64, b string) {
		r := keyReader{b: key(nil).str(a).i64(n).str(b)}
		ga, gn, gb := r.str(), r.i64(), r.str()
		if err := r.done(); err != nil || ga != a || gn != n || gb != b {
			t.Fatalf("round trip (%q,%d,%q) -> (%q,%d,%q), %v", a, n, b, ga, gn, gb, err)
		}
	})
}

// FuzzKeyOrder checks that byte order of encoded keys equals tuple order.
func FuzzKeyOrder(f *testing.F) {
	f.Add("a", int64(1), "a\x00", int64(-1))
	f.Add("", int64(0), "", int64(1))
	f.Fuzz(func(t *testing.T, a1 string, n1 int64, a2 string, n2 int64) {
		want := cmp.Compare(a1, a2)
		if want == 0 {
			want = cmp.Compare(n1, n2)
		}
		got := bytes.Compare(key(nil).str(a1).i64(n1), key(nil).str(a2).i64(n2))
		if got != want {
			t.Fatalf("order of (%q,%d) vs (%q,%d): bytes %d, tuples %d", a1, n1, a2, n2, got, want)
		}
	})
}

// FuzzKeyReader checks that arbitrary bytes never panic the decoder.
func FuzzKeyReader(f *testing.F) {
	f.Add([]byte{0x00, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := keyReader{b: b}
		r.str()
		r.i64()
		_ = r.done()
	})
}
