// Package dataverse is a small client for the Dataverse Web API (v9.2):
// the tables Rapport reads, read with paging and change tracking; the
// writes the outbox makes (create-only rows, deletes, the JoinLinkedChat
// action).
//
// # Invariants
//
//   - Every list is read with Prefer: odata.track-changes, so each round
//     after the first returns only changed and deleted rows.
//   - Reads are retried on 429 and 5xx, honouring Retry-After (seconds or
//     an HTTP date; 5 s when absent), at most MaxRetries times; writes are
//     never retried here.
//   - Errors are *Error values with status, code and Retry-After.
//
// A Client is safe for concurrent use.
package dataverse
