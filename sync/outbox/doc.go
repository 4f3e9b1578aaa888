// Package outbox pushes the edits queued in the store's outbox to
// Microsoft 365: links between Teams chats and CRM records (rows of the
// Dataverse chats table), created and deleted; joins of chats linked to a
// record (Dataverse's JoinLinkedChat, which adds the user to the chat);
// and key-field notices the user posts to a linked chat (Graph);
// publications (publish.go): files uploaded to a channel's Files, threads
// started in a channel (the weekly summary), knowledge articles created as
// Drafts.
//
// # Invariants
//
//   - Operations are pushed in queue order, and a later operation on the
//     same chat and record (a join: the same chat) waits until the earlier
//     one is done, so the server ends where the user's last edit left it.
//     Notices wait for nothing but their own back-off.
//   - An operation is marked in-flight (committed) before its request
//     leaves. An in-flight operation's outcome is unknown (a crash, a lost
//     response, a 5xx after the write may have applied): the next push
//     reads the server first and only then retries or declares it done.
//   - Pushes are idempotent: a link's row id is made on the client and
//     created with If-None-Match: *, so a create that already landed
//     answers 412 and is recognised; deleting a row that is gone is done;
//     joining a chat one is in succeeds. A notice (a POST that is not
//     idempotent) tried before is looked for among the chat's 100 most
//     recently changed messages from the user, by its text, never by the
//     client's clock, before it is sent again (a notice that waited
//     through more changes than that can be sent twice).
//   - Nothing is resolved by last writer wins: a row id taken by a
//     different link, a record deleted upstream, a chat no longer linked
//     (join) or a chat the user left (notice) makes the operation a
//     conflict, shown with the server's side, until the user chooses.
//   - An upload never uploads twice and never overwrites: a new name is
//     put with conflictBehavior fail, a name Rapport uploaded before is
//     replaced only under the eTag Rapport got back; before any retry the
//     file is read back by name and the same size and QuickXorHash means
//     it landed; a file someone else put or changed is a conflict. A
//     channel post is looked for among the channel's 100 newest threads
//     by the user before it is sent again, as a notice is.
//   - Operations are never removed; done ones stay as the record of what
//     was pushed.
package outbox
