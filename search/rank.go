package search

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
)

// Substance: the words and length that make a message worth reading
// first. Bleve scores a short field high (its length norm), so "收到，谢谢
// #付款" outranked the question about the second payment; each message
// document carries these signals as keys and a scored query rewards them.
//
//	q:ack   an acknowledgement: nothing but thanks, OK, noted… (zh, en, fr)
//	        and hashtags, or fewer than ackLetters letters
//	q:body  at least bodyLetters letters (a CJK character counts 3)
//	q:ask   a question (? or ？)
const (
	ackLetters  = 8
	bodyLetters = 60
	boostBody   = 4
	boostAsk    = 2
)

// ackWords are the words acknowledgements are made of, folded.
var ackWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`收到 谢谢 谢谢您 多谢 好的 好 明白 了解 知道了 没问题 辛苦了 ok okay thanks thank you thx noted got it sure great perfect
		merci bien reçu reçu noté c'est c’est d'accord parfait super entendu ça marche top beaucoup`) {
		m[w] = true
	}
	return m
}()

// substance returns the signals of a message's text.
func substance(text string) []string {
	body := hashtagRE.ReplaceAllString(text, " ")
	letters, ack := 0, true
	for _, w := range strings.FieldsFunc(strings.ToLower(body), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’')
	}) {
		n := 0
		for _, r := range w {
			if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) {
				n += 3
			} else {
				n++
			}
		}
		letters += n
		if !ackWords[w] && !allAck(w) {
			ack = false
		}
	}
	var out []string
	if ack || letters < ackLetters {
		out = append(out, "q:ack")
	}
	if letters >= bodyLetters {
		out = append(out, "q:body")
	}
	if strings.ContainsAny(body, "?？") {
		out = append(out, "q:ask")
	}
	return out
}

// allAck reports whether a run of CJK characters is made of
// acknowledgement words (Chinese has no spaces: 收到谢谢).
func allAck(w string) bool {
	for w != "" {
		found := false
		for n := min(len(w), 12); n > 0; n-- {
			if ackWords[w[:n]] {
				w, found = w[n:], true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// rankQuality turns the substance boosts on (tests measure without).
var rankQuality = true

// ranked adds to a scored query the reward of substance: a longer
// message and a question score more for the same words; acknowledgements
// get neither.
func ranked(q bq.Query) bq.Query {
	if !rankQuality {
		return q
	}
	body := bleve.NewTermQuery("q:body")
	body.SetField(fieldKeys)
	body.SetBoost(boostBody)
	ask := bleve.NewTermQuery("q:ask")
	ask.SetField(fieldKeys)
	ask.SetBoost(boostAsk)
	b := bleve.NewBooleanQuery()
	b.AddMust(q)
	b.AddShould(body, ask)
	return b
}
