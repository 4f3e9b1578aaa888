// Package tags is the user's tags, the knowledge base's first room: labels
// the user puts on a whole conversation (a chat or a channel), a channel
// thread or one message; the hashtags read from message text (#付款,
// #technique, #paiement), shown apart; colours; aliases that make several
// labels one topic (付款 = payment = paiement); rename, merge and delete
// with a count first; bulk tagging of a search's results; undo of the last
// bulk change; and a plain-text dump and restore. app/ only adapts it to
// the UI and the command line.
//
// # Invariants
//
//   - The store is the source of truth (storage's item_tags, tags, tag_meta
//     and tag_undo buckets, schema 7). Tags are keyed by Teams' ids (the
//     link targets: CONV, thread/CONV/ROOT, message/CONV/MSG), never by
//     the store's numbers, so they survive a full resync (messages are
//     upserted beside them), a rebuild of the search index (which reads
//     them back from the store) and migrations (later schemas never
//     rewrite them).
//   - Every change is one transaction (storage.DB.EditTags): the tags, the
//     tag → item index and the search index queue entries of every message
//     whose tags changed. A bulk change of any size is all or nothing: a
//     crash, a cancelled context or a failure half-way leaves the store as
//     it was, and the command says it failed. Search's tag: finds the
//     change as soon as it commits: for messages still queued it reads
//     the store's tags, not the index's (search/pending.go).
//   - Changes to tag entries (aliases, colours, the topics a rename or a
//     merge moves) are computed from the entries as the writing
//     transaction reads them (storage.TagEdit.MetaFunc), so changes made
//     at once never lose one another and topics stay flat: an alias's
//     topic is never itself an alias (TestAliasesConcurrent).
//   - Rename, merge, delete, alias, colour, bulk and restore keep the
//     change's inverse (storage's tag_undo), replacing the one kept before;
//     Undo applies it once. Every one of them can first be asked how many
//     items it touches (dry run), which writes nothing.
//   - Tag names are normalised by Norm before they reach the store: no
//     '#', lower case, NFC, letters, digits, marks, '_' and '-' only, as
//     hashtags are written. Search folds accents on top (search.Tag), on
//     both sides.
//   - Hashtags are derived from message text by search; this package only
//     reads their counts (Index) and never stores them.
//   - The package reads the store through Store and the index through
//     Index, declared here. It holds no state between calls and is safe
//     for concurrent use.
package tags
