package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Keys are tuples of strings and integers encoded so that bytes.Compare on
// the encoding orders tuples component by component:
//
//   - a string is its bytes with every 0x00 written as 0x00 0xFF, followed by
//     the terminator 0x00 0x01;
//   - an int64 is 8 big-endian bytes with the sign bit flipped;
//   - a time is its UnixNano as an int64.
//
// This is the only place keys are built or parsed.

// ErrBadKey reports a key that does not decode as the expected tuple.
var ErrBadKey = errors.New("malformed key")

type key []byte

func (k key) str(s string) key {
	for i := 0; i < len(s); i++ {
		if s[i] == 0x00 {
			k = append(k, 0x00, 0xFF)
			continue
		}
		k = append(k, s[i])
	}
	return append(k, 0x00, 0x01)
}

func (k key) i64(v int64) key {
	return binary.BigEndian.AppendUint64(k, uint64(v)^(1<<63))
}

func (k key) time(t time.Time) key { return k.i64(t.UnixNano()) }

// keyReader decodes a key component by component. The first error sticks.
type keyReader struct {
	b   []byte
	err error
}

func (r *keyReader) str() string {
	if r.err != nil {
		return ""
	}
	out := make([]byte, 0, len(r.b))
	for i := 0; i < len(r.b); i++ {
		c := r.b[i]
		if c != 0x00 {
			out = append(out, c)
			continue
		}
		if i+1 >= len(r.b) {
			break
		}
		switch r.b[i+1] {
		case 0x01:
			r.b = r.b[i+2:]
			return string(out)
		case 0xFF:
			out = append(out, 0x00)
			i++
		default:
			r.err = fmt.Errorf("%w: bad escape 0x00 0x%02x", ErrBadKey, r.b[i+1])
			return ""
		}
	}
	r.err = fmt.Errorf("%w: unterminated string", ErrBadKey)
	return ""
}

func (r *keyReader) i64() int64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.err = fmt.Errorf("%w: short integer", ErrBadKey)
		return 0
	}
	v := int64(binary.BigEndian.Uint64(r.b) ^ (1 << 63))
	r.b = r.b[8:]
	return v
}

// done reports the first error, or an error if bytes are left over.
func (r *keyReader) done() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d trailing bytes", ErrBadKey, len(r.b))
	}
	return r.err
}
