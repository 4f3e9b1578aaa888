// Package quickxor computes QuickXorHash, the content hash OneDrive for
// Business and SharePoint report in a driveItem's file.hashes.quickXorHash
// (Base64 of 20 bytes): each byte is XORed into a 160-bit state at a bit
// offset advancing by 11 per byte (wrapping), and the length (64-bit,
// little-endian) is XORed into the state's last 8 bytes.
package quickxor

import (
	"encoding/base64"
	"encoding/binary"
)

const (
	width = 160 // bits of state
	shift = 11  // bits the offset moves per byte
)

// Hash is a running QuickXorHash. The zero value is ready to use.
type Hash struct {
	state [width / 8]byte
	off   int // bit offset of the next byte
	n     uint64
}

// Write adds p to the hash; it never fails.
func (h *Hash) Write(p []byte) (int, error) {
	for _, b := range p {
		v := uint16(b) << (h.off % 8)
		i := h.off / 8
		h.state[i] ^= byte(v)
		h.state[(i+1)%len(h.state)] ^= byte(v >> 8)
		h.off = (h.off + shift) % width
	}
	h.n += uint64(len(p))
	return len(p), nil
}

// Sum returns the 20-byte digest of what was written.
func (h *Hash) Sum() [20]byte {
	out := h.state
	var l [8]byte
	binary.LittleEndian.PutUint64(l[:], h.n)
	for i, b := range l {
		out[len(out)-8+i] ^= b
	}
	return out
}

// String is the digest in Base64, as Graph reports it.
func (h *Hash) String() string {
	s := h.Sum()
	return base64.StdEncoding.EncodeToString(s[:])
}

// Of returns the Base64 QuickXorHash of data.
func Of(data []byte) string {
	var h Hash
	h.Write(data)
	return h.String()
}
