// Package storage is Rapport's local store: one bbolt file that is the source
// of truth for everything Rapport knows. The search index and every view are
// derived from it and can be rebuilt from it.
//
// # Invariants
//
//   - The data directory is created 0700 and the store file 0600; Open
//     tightens wider permissions it finds on either.
//   - A new store file is built under a temporary name, fully initialised,
//     synced and then renamed into place, so a crash while opening leaves
//     either no store or a complete one, never a half-written file.
//   - Buckets and migrations are applied by Open in a single read-write
//     transaction. Migrations are ordered, each runs exactly once, and the
//     schema version in the meta bucket moves only when all of them commit.
//   - A file written by a newer Rapport (schema version above ours) is never
//     modified: Open fails with ErrSchemaTooNew.
//   - Keys are built only by the codec in keys.go, which preserves the order
//     of the tuples it encodes.
//   - No byte slice that aliases bbolt memory leaves a transaction: values
//     are decoded or copied before a method returns.
//
// DB is safe for concurrent use by multiple goroutines. Only one process may
// hold a store open; a second one gets ErrLocked after the lock timeout.
package storage
