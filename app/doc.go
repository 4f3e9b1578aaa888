// Package app is Rapport's edge: the command line, the services the UI calls,
// the native Wails window and the browser-mode HTTP server. It is the only
// package that imports Wails.
//
// # Invariants
//
//   - The window and browser mode call the very same service methods
//     (System, Settings, …): Wails binds them, and rpc.go dispatches HTTP
//     calls to them by reflection with the same JSON shapes. No service
//     knows which transport called it.
//   - Errors cross to the UI as {code, message}; codes come from errors.Is on
//     the domain sentinels (errors.go), never from string matching.
//   - Browser mode listens on loopback only. Every request must carry the
//     launch secret (URL parameter once, then a SameSite=Strict HttpOnly
//     cookie) and a loopback Host; a foreign Origin is refused. All
//     responses carry a strict Content-Security-Policy.
//   - No domain rules live here: a feature's rules are in its room (record
//     linking: storage/links); its service here is an adapter of a few
//     lines per call (linksvc.go), and its command reuses the same calls.
//   - Services are safe for concurrent use: Wails runs each bound call on
//     its own goroutine. Every goroutine the package starts is owned by Core
//     and waited for by Core.Close.
//   - Tokens and message bodies are never logged.
//   - The Microsoft 365 connection is the one saved in the store, with
//     each field a flag or RAPPORT_* variable sets winning over it
//     (connection.go); a store holds one directory's data (meta origin).
package app
