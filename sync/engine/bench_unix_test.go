//go:build unix

package engine_test

import (
	"os"
	"syscall"
)

// peakRSSKiB is an exited child's peak resident set (KiB on Linux).
func peakRSSKiB(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return int64(ru.Maxrss), true
}
