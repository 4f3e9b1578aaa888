package search_test

import (
	"io/fs"
	"syscall"
	"time"
)

// benchCPU is the user plus kernel CPU time this process has used, in
// seconds (0 if unknown).
func benchCPU() float64 {
	h, err := syscall.GetCurrentProcess()
	if err != nil {
		return 0
	}
	var created, exited, kernel, user syscall.Filetime
	if syscall.GetProcessTimes(h, &created, &exited, &kernel, &user) != nil {
		return 0
	}
	// Filetimes count 100 ns ticks.
	ticks := int64(kernel.HighDateTime)<<32 | int64(kernel.LowDateTime) + int64(user.HighDateTime)<<32 | int64(user.LowDateTime)
	return (time.Duration(ticks) * 100).Seconds()
}

// benchFileBytes is a file's size (Windows reports no allocated blocks
// through os.Stat).
func benchFileBytes(info fs.FileInfo) int64 { return info.Size() }
