// Package capture turns what customers say in Teams into Dynamics 365
// records, offline: a case made from a message, a thread or a range of
// messages (linked to its chat at once), a follow-up task regarding a
// record, a note on a record. It also lists them: a record's tasks and
// notes, and the user's follow-ups, synced or still on their way.
//
// # Invariants
//
//   - Every create is one outbox operation with a client-made id, queued
//     in one transaction with the link it brings (storage.QueueCreate);
//     nothing here talks to Microsoft 365. The outbox pushes it exactly
//     once, reading an unknown outcome back before any retry.
//   - What Dataverse requires is checked before queuing: a case has a
//     title and a customer (an account or a contact); a task a subject
//     and a record it regards; a note its messages. A request missing one
//     is ErrInvalid and queues nothing.
//   - Text taken from messages is their visible text (storage/content),
//     never their HTML, with each author and time.
//   - A record made in Rapport can be the subject of a task or a note
//     before Dynamics has it: that create waits for the record's
//     (storage.Op.After), and discarding the record discards it too.
//   - The package reads the store through Store, declared here; it holds
//     no state between calls and is safe for concurrent use.
package capture
