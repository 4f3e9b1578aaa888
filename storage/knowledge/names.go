package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxName bounds a file name Rapport writes, in bytes (extension
// included): well under every file system's 255 and Windows' path
// limits once in a folder.
const MaxName = 100

// reservedNames are Windows' device names, reserved with any extension.
var reservedNames = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}

func init() {
	for _, d := range "123456789¹²³" {
		reservedNames["COM"+string(d)] = true
		reservedNames["LPT"+string(d)] = true
	}
}

// SafeName makes a file name from base and an extension (".md") that is
// safe on Windows, macOS and Linux: NFC; no path separator, no
// traversal, no control character and none of <>:"/\|?*; whitespace as
// '-'; no leading or trailing dot, dash or space; not a reserved device
// name; at most MaxName bytes, cut at a character. An empty base is
// "archive".
func SafeName(base, ext string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFC.String(base) {
		bad := r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r) || unicode.IsSpace(r) ||
			unicode.Is(unicode.Cf, r) || r == utf8.RuneError
		if bad || r == '-' {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	name := strings.Trim(b.String(), ".- ")
	if name == "" {
		name = "archive"
	}
	stem, _, _ := strings.Cut(name, ".")
	if reservedNames[strings.ToUpper(strings.TrimRight(stem, " "))] {
		name = "_" + name
	}
	limit := MaxName - len(ext)
	for len(name) > limit {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return strings.TrimRight(name, ".- ") + ext
}
