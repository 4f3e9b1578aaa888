// Package graph is Rapport's Microsoft Graph client: the only package that
// imports msgraph-sdk-go. It imports only the SDK subpackages it uses
// (chats, teams, users, models) with the core request adapter, which keeps
// builds minutes shorter and the binary megabytes smaller than the root
// package would.
//
// # Invariants
//
//   - Tokens are sent to the configured Graph host whatever it is (the
//     SDK's convenience constructor silently sends none to hosts other than
//     Microsoft's).
//   - The SDK retries only GET requests (on 429/503/504, honouring
//     Retry-After); a write is never re-sent blindly: its outcome must be
//     reconciled by reading.
//   - Results are returned as storage types with raw HTML kept apart; the
//     caller sanitizes before anything reaches the UI.
//   - Errors from Graph are *Error values carrying status, code and
//     Retry-After; errors.Is works with the sentinels below.
//
// A Client is safe for concurrent use.
package graph
