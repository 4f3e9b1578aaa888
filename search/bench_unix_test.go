//go:build unix

package search_test

import (
	"io/fs"
	"syscall"
	"time"
)

// benchCPU is the user plus system CPU time this process has used, in
// seconds (0 if unknown).
func benchCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// benchFileBytes is what a file takes on disk: its allocated blocks.
func benchFileBytes(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return info.Size()
}
