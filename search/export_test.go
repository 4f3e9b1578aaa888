package search

// PrefixTokens are text's tokens as the last word being typed is matched
// (folded, not stemmed), for tests.
func PrefixTokens(text string) []Token { return tokens(prefixAnalyzer, text) }
