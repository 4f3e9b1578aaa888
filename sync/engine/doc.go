// Package engine runs sync rounds: it pulls the user, teams, channels,
// members, guests, chats, messages and Dataverse records from Graph and
// Dataverse into the store, incrementally and resumably.
//
// # Invariants
//
//   - Every page and the cursor that follows it commit in one bbolt
//     transaction: a crash or cancel at any point resumes from the last
//     committed page, without loss or duplicates (message writes are
//     upserts keyed by conversation and id, and never roll back to an older
//     version).
//   - Channel threads are stored whole: replies Graph does not inline
//     (past 1,000 under a root) are listed from the root's
//     replies@odata.nextLink before its page commits, without moving the
//     cursor, so a cut fetches them again rather than losing them.
//   - An expired delta or page link starts that source over cleanly; what
//     is stored (and everything the user annotated) stays.
//   - Deletions upstream become tombstones; nothing is removed silently.
//   - Raw message HTML is stored as received and never shown: whatever
//     displays or indexes it goes through package render first.
//   - Requests respect Graph's published limits (message reads ≤ 20/s per
//     tenant, 1/s per chat or channel) with several conversations in
//     flight; the SDK honours Retry-After on reads and never re-sends a
//     write.
//   - One source's failure is recorded on its cursor and does not stop the
//     round; Run returns the failures joined.
//
// An Engine runs one round at a time; Run is safe to call from any
// goroutine and every goroutine it starts has ended when it returns.
package engine
