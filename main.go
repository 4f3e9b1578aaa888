// Command rapport is a local-first desktop app for account managers who serve
// their customers through Microsoft Teams and Dynamics 365.
package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"

	"github.com/rapport-app/rapport/app"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

//go:embed all:frontend/dist
var dist embed.FS

func main() {
	assets, err := fs.Sub(dist, "frontend/dist")
	if err != nil {
		fmt.Fprintln(os.Stderr, "rapport: embedded UI missing:", err)
		os.Exit(1)
	}
	os.Exit(app.Main(os.Args[1:], assets, version, os.Stdout, os.Stderr))
}
