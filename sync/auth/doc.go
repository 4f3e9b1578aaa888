// Package auth signs Rapport in to Microsoft Entra ID with MSAL Go as a
// public client: device code (CLI and UI) and silent refresh, for any cloud
// or the simulated tenant.
//
// # Invariants
//
//   - Tokens live only in MSAL's cache, kept in the OS secret store when it
//     works (probed first), else in memory, or in a 0600 file the user opts
//     into; they never reach bbolt, logs or exports.
//   - Instance discovery is off: the authority given is the authority used
//     (national clouds and the simulated tenant need no call to
//     login.microsoftonline.com).
//   - Each feature asks for the least scopes it needs (Scopes*).
//   - SignOut removes every account and deletes the cache file.
//
// A Session is safe for concurrent use.
package auth
