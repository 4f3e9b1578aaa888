// Package links is record linking, Rapport's first feature room: which
// Dynamics 365 records a Teams chat (or, in Rapport only, a channel thread
// or a single message) is linked to, and what the user may do about it
// offline. It serves the Linked records panel, suggestions, search of
// records, link and unlink, key-field notices, joining a colleague's
// linked chat, the Pending changes list and a record's timeline; app/ only
// adapts it to the UI and the command line.
//
// # Invariants
//
//   - Which links exist is storage.Overlay's answer (Dynamics' synced chats
//     rows under the user's queued edits), the same rule search's record:
//     filter uses; a view never decides it another way.
//   - Every edit is queued in the store with its outbox operation in one
//     transaction (storage.SetLink, QueueOp); nothing here talks to
//     Microsoft 365. The outbox (sync/outbox) pushes them, exactly once.
//   - Dynamics' rules are applied offline as Dynamics applies them: who may
//     unlink (the record's owner, the linker, a privileged role), whether
//     chats of a record type may be joined; an edit they refuse is
//     ErrNotAllowed and queues nothing.
//   - Record types, titles, labels and option values come from the
//     catalogue (storage/crm), never from a copy.
//   - The package reads the store through Store, declared here, by key:
//     a call reads the links of its chats or records, the records and
//     users they name, and the operations still on their way; only a
//     search (a record by name, suggestions, a timeline's roll-ups)
//     reads a table whole. It holds no state between calls and is safe
//     for concurrent use.
package links
