package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
	"unicode/utf8"
)

// errSlowPath makes decodeThreadPost hand a value to encoding/json: an
// escaped string, a key it does not expect, anything unusual.
var errSlowPath = errors.New("thread post: slow path")

// decodeThreadPost fills p from a stored message's JSON. Reading the
// metrics or a thread's posts decodes every message of a conversation, so
// it scans the object's top-level keys itself, keeping the five it needs
// and skipping the other values without decoding them; anything it does
// not expect (an escape in a kept string, a malformed value, a time
// encoding/json would read differently) goes to json.Unmarshal, which
// then decides (TestDecodeThreadPost compares both on every shape).
func decodeThreadPost(v []byte, p *ThreadPost) error {
	if err := scanThreadPost(v, p); err == nil {
		return nil
	}
	*p = ThreadPost{}
	return json.Unmarshal(v, p)
}

func scanThreadPost(v []byte, p *ThreadPost) error {
	*p = ThreadPost{}
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		return errSlowPath
	}
	i = skipSpace(v, i+1)
	if i < len(v) && v[i] == '}' {
		return trailing(v, i+1)
	}
	for {
		if i >= len(v) || v[i] != '"' {
			return errSlowPath
		}
		key, next, ok := plainString(v, i)
		if !ok {
			return errSlowPath
		}
		i = skipSpace(v, next)
		if i >= len(v) || v[i] != ':' {
			return errSlowPath
		}
		i = skipSpace(v, i+1)
		var dst *string
		switch string(key) {
		case "id":
			dst = &p.ID
		case "replyTo":
			dst = &p.ReplyTo
		case "type":
			dst = &p.Type
		case "fromId":
			dst = &p.FromID
		case "created":
			s, next, ok := plainString(v, i)
			if !ok {
				return errSlowPath
			}
			if !strictTime(s) {
				return errSlowPath
			}
			t, err := time.Parse(time.RFC3339Nano, string(s))
			if err != nil {
				return errSlowPath
			}
			p.Created, i = t, next
		default:
			// encoding/json matches keys case-insensitively.
			if bytes.ContainsRune(key, '\\') || kept(key) {
				return errSlowPath
			}
			next, ok := skipValue(v, i, 0)
			if !ok {
				return errSlowPath
			}
			i = next
		}
		if dst != nil {
			if i+4 <= len(v) && string(v[i:i+4]) == "null" {
				*dst, i = "", i+4 // encoding/json leaves a string unchanged on null
			} else {
				s, next, ok := plainString(v, i)
				if !ok {
					return errSlowPath
				}
				*dst, i = string(s), next
			}
		}
		i = skipSpace(v, i)
		if i >= len(v) {
			return errSlowPath
		}
		switch v[i] {
		case ',':
			i = skipSpace(v, i+1)
		case '}':
			return trailing(v, i+1)
		default:
			return errSlowPath
		}
	}
}

// kept reports whether a key encoding/json would match to one of
// ThreadPost's fields without being its exact name.
func kept(key []byte) bool {
	for _, k := range []string{"id", "replyTo", "type", "created", "fromId"} {
		if bytes.EqualFold(key, []byte(k)) {
			return true
		}
	}
	return false
}

// strictTime reports whether s has RFC 3339's fixed layout (two-digit
// fields, 'T', a Z or ±hh:mm zone), which time.Parse alone does not
// insist on but encoding/json does.
func strictTime(s []byte) bool {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout)+1 {
		return false
	}
	for i := range len(layout) {
		if c := s[i]; layout[i] == 'd' && (c < '0' || c > '9') || layout[i] != 'd' && c != layout[i] {
			return false
		}
	}
	rest := s[len(layout):]
	if rest[0] == '.' {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == 1 {
			return false
		}
		rest = rest[j:]
	}
	if len(rest) == 1 && rest[0] == 'Z' {
		return true
	}
	return len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		isDigits(rest[1:3]) && isDigits(rest[4:6])
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func trailing(v []byte, i int) error {
	if skipSpace(v, i) != len(v) {
		return errSlowPath
	}
	return nil
}

func skipSpace(v []byte, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\n' || v[i] == '\t' || v[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the string at v[i] (a quote) with no escape in it,
// returning its bytes and the index after its closing quote.
func plainString(v []byte, i int) ([]byte, int, bool) {
	if i >= len(v) || v[i] != '"' {
		return nil, 0, false
	}
	end := bytes.IndexByte(v[i+1:], '"')
	if end < 0 {
		return nil, 0, false
	}
	s := v[i+1 : i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 {
		return nil, 0, false
	}
	for _, c := range s {
		if c < 0x20 {
			return nil, 0, false
		}
	}
	if !utf8.Valid(s) { // encoding/json replaces invalid bytes
		return nil, 0, false
	}
	return s, i + 2 + end, true
}

// skipValue returns the index after the JSON value at v[i], or false when
// it is malformed (or nested deeper than encoding/json would take).
func skipValue(v []byte, i, depth int) (int, bool) {
	if i >= len(v) || depth > 1000 {
		return 0, false
	}
	switch c := v[i]; {
	case c == '"':
		for j := i + 1; j < len(v); j++ {
			switch v[j] {
			case '\\':
				j++
			case '"':
				return j + 1, true
			}
		}
		return 0, false
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		j := skipSpace(v, i+1)
		if j < len(v) && v[j] == closing {
			return j + 1, true
		}
		for {
			if c == '{' {
				next, ok := skipValue(v, j, depth+1)
				if !ok || v[j] != '"' {
					return 0, false
				}
				j = skipSpace(v, next)
				if j >= len(v) || v[j] != ':' {
					return 0, false
				}
				j = skipSpace(v, j+1)
			}
			next, ok := skipValue(v, j, depth+1)
			if !ok {
				return 0, false
			}
			j = skipSpace(v, next)
			if j >= len(v) {
				return 0, false
			}
			if v[j] == closing {
				return j + 1, true
			}
			if v[j] != ',' {
				return 0, false
			}
			j = skipSpace(v, j+1)
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(v)-i >= len(lit) && string(v[i:i+len(lit)]) == lit {
				return i + len(lit), true
			}
		}
		return 0, false
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(v) && (v[j] >= '0' && v[j] <= '9' || v[j] == '.' || v[j] == 'e' || v[j] == 'E' || v[j] == '+' || v[j] == '-') {
			j++
		}
		return j, true
	}
	return 0, false
}
