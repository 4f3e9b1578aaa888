package app

import (
	"os"
	"syscall"
)

// The Windows build is a GUI-subsystem program (-H windowsgui), so it gets
// no console of its own and a double-click opens no black window. Started
// from a terminal (cmd, PowerShell, Windows Terminal), the command line's
// commands (rapport.exe status, sync, search, …) must still print there:
// attach to the parent process's console before main reads os.Stdout, and
// point the standard handles that have nothing (not redirected to a file
// or a pipe) at it. Launched from Explorer or the Start menu there is no
// parent console and nothing changes.
func init() { attachParentConsole() }

const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS, (DWORD)-1

func attachParentConsole() {
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(uintptr(attachParentProcess)); r == 0 {
		return // no parent console (Explorer), or already attached
	}
	for _, s := range []struct {
		file   **os.File
		name   string
		access uint32
	}{
		{&os.Stdin, "CONIN$", syscall.GENERIC_READ | syscall.GENERIC_WRITE},
		{&os.Stdout, "CONOUT$", syscall.GENERIC_READ | syscall.GENERIC_WRITE},
		{&os.Stderr, "CONOUT$", syscall.GENERIC_READ | syscall.GENERIC_WRITE},
	} {
		// The os package read the handles before this attach: a valid
		// one was redirected to a file or a pipe, and stays.
		if f := *s.file; f != nil && f.Fd() != 0 && syscall.Handle(f.Fd()) != syscall.InvalidHandle {
			continue
		}
		name, err := syscall.UTF16PtrFromString(s.name)
		if err != nil {
			continue
		}
		h, err := syscall.CreateFile(name, s.access, syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE, nil, syscall.OPEN_EXISTING, 0, 0)
		if err != nil {
			continue
		}
		*s.file = os.NewFile(uintptr(h), s.name)
	}
}
