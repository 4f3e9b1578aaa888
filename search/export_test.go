package search

import "github.com/blevesearch/bleve/v2/index/scorch"

// PrefixTokens are text's tokens as the last word being typed is matched
// (folded, not stemmed), for tests.
func PrefixTokens(text string) []Token { return tokens(prefixAnalyzer, text) }

// SetRankQuality turns the substance boosts on or off (NDCG before/after).
func SetRankQuality(on bool) { rankQuality = on }

// Substance is a message text's substance signals.
func Substance(text string) []string { return substance(text) }

// HoldIndexing keeps the indexer from indexing another batch until
// release is called: queued documents stay queued.
func (ix *Index) HoldIndexing() (release func()) {
	ix.hold.Lock()
	return ix.hold.Unlock
}

// UseSignalBitmaps switches the substance signals between the per-segment
// bitmaps (on, as Open sets) and walking each signal's postings (off).
func (ix *Index) UseSignalBitmaps(on bool) {
	if on {
		ix.signals = newSignalCache()
	} else {
		ix.signals = nil
	}
}

// Segments is how many segments the index holds now.
func (ix *Index) Segments(t interface{ Fatal(...any) }) int {
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return len(r.(*scorch.IndexSnapshot).Segments())
}

// IsCJK reports whether a token is kept in tc (without positions).
func IsCJK(term string) bool { return isCJK(term) }
