package search

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
