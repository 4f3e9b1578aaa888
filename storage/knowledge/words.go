package knowledge

import (
	"fmt"
	"time"
)

// words are an archive's headings and labels in the user's language.
type words struct {
	lang, title, index, best, bestOne, faq, reason, conversation, openTeams, question, answer, sources, noTopic, account, team, empty, redacted, counts, topicCounts string
	month                                                                                                                                                            func(time.Time) string
}

var frMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

var languages = map[string]words{
	"zh-CN": {lang: "zh-CN", title: "知识库月度归档", index: "按主题索引", best: "精华对话", bestOne: "精华对话", faq: "常见问题", reason: "理由", conversation: "对话",
		openTeams: "在 Teams 中打开", question: "问", answer: "答", sources: "来源", noTopic: "（无主题）", account: "客户", team: "团队",
		empty: "本月没有精华对话或常见问题。", redacted: "客户姓名、邮箱、电话和工单号已替换为占位符。",
		counts: "精华对话：%d · 常见问题：%d", topicCounts: "精华对话：%d · 常见问题：%d",
		month: func(t time.Time) string { return fmt.Sprintf("%d年%d月", t.Year(), t.Month()) }},
	"en": {lang: "en", title: "Knowledge archive", index: "Index by topic", best: "Best conversations", bestOne: "Best conversation", faq: "FAQ", reason: "Reason", conversation: "Conversation",
		openTeams: "Open in Teams", question: "Question", answer: "Answer", sources: "Sources", noTopic: "(no topic)", account: "Account", team: "Team",
		empty: "No best conversation or FAQ entry this month.", redacted: "Customer names, e-mail addresses, phone numbers and case numbers are replaced by placeholders.",
		counts: "Best conversations: %d · FAQ entries: %d", topicCounts: "Best conversations: %d · FAQ entries: %d",
		month: func(t time.Time) string { return t.Format("January 2006") }},
	"fr": {lang: "fr", title: "Archives de la base de connaissances", index: "Index par sujet", best: "Meilleures conversations", bestOne: "Meilleure conversation", faq: "FAQ", reason: "Raison", conversation: "Conversation",
		openTeams: "Ouvrir dans Teams", question: "Question", answer: "Réponse", sources: "Sources", noTopic: "(sans sujet)", account: "Compte", team: "Équipe",
		empty: "Aucune meilleure conversation ni entrée de FAQ ce mois-ci.", redacted: "Les noms des clients, adresses e-mail, numéros de téléphone et numéros de dossier sont remplacés par des marques.",
		counts: "Meilleures conversations : %d · Entrées de FAQ : %d", topicCounts: "Meilleures conversations : %d · Entrées de FAQ : %d",
		month: func(t time.Time) string { return frMonths[t.Month()-1] + " " + fmt.Sprint(t.Year()) }},
}

// Languages are the archive's languages (ArchiveRequest.Lang).
var Languages = []string{"zh-CN", "en", "fr"}

// wordsFor picks a language: zh* is zh-CN, fr* French, else English.
func wordsFor(lang string) words {
	switch {
	case len(lang) >= 2 && lang[:2] == "zh":
		return languages["zh-CN"]
	case len(lang) >= 2 && lang[:2] == "fr":
		return languages["fr"]
	}
	return languages["en"]
}
