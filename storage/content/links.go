package content

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// webLinkAllowed is the policy of http and https links in messages and
// cards: an absolute URL without user info whose host is not this
// machine or the local network. A link to 127.0.0.1:PORT, localhost,
// 10.0.0.1 or fe80::1 would reach services the sender does not (browser
// mode on another port, a router's admin page): such links are dropped,
// whatever spelling a browser would read as such an address (2130706433,
// 0x7f.1, 127.1, [::ffff:7f00:1], full-width digits, a trailing dot,
// *.localhost).
func webLinkAllowed(u *url.URL) bool {
	if u.User != nil || u.Opaque != "" || u.Host == "" || strings.ContainsAny(u.Host, `\%`) {
		return false
	}
	return !localHost(u.Hostname())
}

// hostMapping maps a host as browsers do before they look it up
// (UTS #46: full-width digits and dots become ASCII, letters lower case).
var hostMapping = idna.New(idna.MapForLookup(), idna.StrictDomainName(false), idna.Transitional(false))

// localHost reports whether a browser would take host to mean this
// machine or a private or link-local network (or cannot tell what it
// means, which is refused too).
func localHost(host string) bool {
	if strings.Contains(host, ":") { // an IPv6 literal (brackets already gone)
		ip := net.ParseIP(host)
		return ip == nil || localIP(ip)
	}
	h, err := hostMapping.ToASCII(host)
	if err != nil {
		return true
	}
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" || h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, isIP, ok := browserIPv4(h)
	switch {
	case !ok:
		return true // a browser would refuse it; so do we
	case isIP:
		return localIP(ip)
	}
	return false
}

// localIP is loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
// link-local (169.254/16, fe80::/10), unspecified (0.0.0.0/8, ::) or
// multicast.
func localIP(ip net.IP) bool {
	if v4 := ip.To4(); v4 != nil && v4[0] == 0 {
		return true
	}
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast()
}

// browserIPv4 reads host as the WHATWG URL standard's IPv4 parser does: a
// host whose last label is a number is an address, in one to four parts,
// each decimal, octal (leading 0) or hexadecimal (0x), the last filling
// the remaining bytes. isIP is false for a domain name; ok is false for a
// number a browser refuses.
func browserIPv4(host string) (ip net.IP, isIP, ok bool) {
	parts := strings.Split(host, ".")
	if _, numeric := ipv4Part(parts[len(parts)-1]); !numeric && !allDigits(parts[len(parts)-1]) {
		return nil, false, true
	}
	if len(parts) > 4 {
		return nil, true, false
	}
	var n []uint64
	for _, p := range parts {
		v, good := ipv4Part(p)
		if !good {
			return nil, true, false
		}
		n = append(n, v)
	}
	var addr uint64
	for i, v := range n[:len(n)-1] {
		if v > 255 {
			return nil, true, false
		}
		addr |= v << (8 * (3 - i))
	}
	last := n[len(n)-1]
	if last >= 1<<(8*(5-len(n))) {
		return nil, true, false
	}
	addr |= last
	return net.IPv4(byte(addr>>24), byte(addr>>16), byte(addr>>8), byte(addr)), true, true
}

func ipv4Part(s string) (uint64, bool) {
	base := 10
	switch {
	case s == "":
		return 0, false
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
		if s == "" {
			return 0, true
		}
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		if ne, isNum := err.(*strconv.NumError); isNum && ne.Err == strconv.ErrRange {
			return 1 << 40, true // too large for any part: refused by the caller
		}
		return 0, false
	}
	return min(v, 1<<40), true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// mailtoParams are the only query fields a mailto: link keeps: some mail
// clients honour others (attach=, cc=, bcc=) without asking.
var mailtoParams = map[string]bool{"subject": true, "body": true}

// mailtoAllowed is the policy of mailto: links: any address, and no
// query fields but subject and body (cleanMailto drops the others first).
func mailtoAllowed(u *url.URL) bool {
	for k := range u.Query() {
		if !mailtoParams[k] {
			return false
		}
	}
	return true
}

// cleanMailto keeps a mailto: link's address, subject and body and drops
// the other fields; ok is false when href is not a mailto: URL.
func cleanMailto(href string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil || u.Scheme != "mailto" {
		return "", false
	}
	var q []string
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || !mailtoParams[strings.ToLower(key)] {
			continue
		}
		q = append(q, strings.ToLower(key)+"="+strings.ReplaceAll(url.QueryEscape(val), "+", "%20"))
	}
	u.RawQuery, u.ForceQuery = strings.Join(q, "&"), false
	return u.String(), true
}
