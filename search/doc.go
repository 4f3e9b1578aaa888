// Package search is Rapport's full-text and filter index: a Bleve v2.5
// index next to the store, derived from it and rebuildable from it at any
// time. Rows shown in results always come from the store; the index gives
// ids, scores and facet counts only.
//
// # Invariants
//
//   - The store is the source of truth. Every write that changes something
//     searchable queues its document id in the store's indexq bucket in the
//     same bbolt transaction (storage.Writer), so no change can be missed.
//   - One goroutine, the indexer, drains that queue in Bleve batches. Each
//     batch also records the last queue position it covers (an internal key
//     committed with the documents), and batches are safe: Batch returns
//     once persisted. Only then is the store's queue trimmed up to that
//     position. A crash at any point leaves entries to redo, never a gap.
//   - Open rebuilds (an empty index filled from the whole store, queued by
//     conversation) when the index is missing, unreadable, of another
//     layout (MappingVersion), built from another store, or behind the
//     store's trimmed queue. Searches answer from whatever is indexed while
//     it fills; Status says "building" or "catching-up".
//   - Indexing reads the current row, so it is idempotent: a queue entry
//     indexed twice, or out of order, gives the same document.
//   - Message text is extracted from the raw body without rendering it as
//     HTML, and from each card (Adaptive, hero, thumbnail, connector) as
//     render.Card shows it: what a reader sees, never its URLs. Snippets
//     are plain-text fragments, never markup.
//   - Deleted messages (tombstones) stay indexed with their retained text,
//     marked is:deleted, and are left out of results unless a query asks
//     for is:deleted. System events are not indexed.
//   - is:unanswered marks a post from outside the organisation (a guest or
//     unknown user; never a bot's or connector's, which has no user) with
//     no later post by one of our people in the same
//     thread (a chat is one thread; a channel thread is a root post and its
//     replies). An answer arriving later re-indexes the waiting posts of its
//     thread, found by their ua: term.
//   - Latin words are matched as phrases (positions in t); a run of CJK
//     characters matches every document holding all its bigrams, in any
//     order (tc keeps no positions). Both fields rank by the whole text's
//     length.
//   - Totals are exact, except for a query made only of filters, which
//     counts up to CountBound and then says so (Result.TotalMore). Facets
//     count every hit up to FacetSample, beyond it a stated sample
//     (Result.FacetsOf). A page sorted by date is exactly the page a sort
//     of every hit gives (search/plan.go). Caches of what the index holds
//     (typeahead expansions, the day list) are dropped after every batch.
//
// Index owns its goroutine; Close stops and waits for it. Index is safe for
// concurrent use.
package search
