package app

import (
	"os"
	"strings"
)

// osLocale returns the user's locale as a BCP 47 tag ("zh-CN", "fr-FR"), or
// "" when the environment does not say. It follows POSIX precedence:
// LC_ALL, then LC_MESSAGES, then LANG. The UI falls back to the browser's
// language when this is empty.
func osLocale() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if tag := posixToBCP47(os.Getenv(v)); tag != "" {
			return tag
		}
	}
	return ""
}

func posixToBCP47(v string) string {
	if i := strings.IndexAny(v, ".@"); i >= 0 {
		v = v[:i]
	}
	if v == "" || v == "C" || v == "POSIX" {
		return ""
	}
	return strings.ReplaceAll(v, "_", "-")
}
