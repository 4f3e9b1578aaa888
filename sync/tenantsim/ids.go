package tenantsim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
)

// hash64 derives a stable 64-bit value from the seed and a path of parts.
// Every random choice in the world goes through it, so the world is a pure
// function of the seed.
func hash64(seed int64, parts ...any) uint64 {
	h := sha256.New()
	binary.Write(h, binary.BigEndian, seed)
	for _, p := range parts {
		fmt.Fprintf(h, "\x00%v", p)
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}

// rng returns a generator seeded from the seed and parts.
func rng(seed int64, parts ...any) *rand.Rand {
	a := hash64(seed, parts...)
	return rand.New(rand.NewPCG(a, a^0x9e3779b97f4a7c15))
}

// guid derives a stable GUID-shaped id.
func guid(seed int64, parts ...any) string {
	h := sha256.New()
	binary.Write(h, binary.BigEndian, seed)
	for _, p := range parts {
		fmt.Fprintf(h, "\x00%v", p)
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// hex32 derives 32 hex digits, as in Teams thread ids.
func hex32(seed int64, parts ...any) string {
	h := sha256.New()
	binary.Write(h, binary.BigEndian, seed)
	for _, p := range parts {
		fmt.Fprintf(h, "\x00%v", p)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
