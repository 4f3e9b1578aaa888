package search_test

import (
	"slices"
	"testing"

	"github.com/rapport-app/rapport/search"
)

// TestSubstance: the signals a message's text gives its rank.
func TestSubstance(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"收到，谢谢 #付款", []string{"q:ack"}},
		{"收到谢谢", []string{"q:ack"}},
		{"C'est noté. #livraison", []string{"q:ack"}},
		{"Bien reçu, merci ! #livraison", []string{"q:ack"}},
		{"Thanks, noted 👍", []string{"q:ack"}},
		{"OK", []string{"q:ack"}},
		{"第二期付款什么时候能安排？", []string{"q:ask"}},
		{"Can we get a morning delivery slot?", []string{"q:ask"}},
		{"恒通电气第二期付款已经提交财务审批了，预计12月1日前到账。发票开专票还是普票？", []string{"q:body", "q:ask"}},
		{"The carrier says the motorway is closed, so delivery may slip by two days for the whole order.", []string{"q:body"}},
		{"Le transporteur signale une autoroute fermée.", nil},
	}
	for _, c := range cases {
		if got := search.Substance(c.text); !slices.Equal(got, c.want) {
			t.Errorf("Substance(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
