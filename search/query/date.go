package query

import (
	"strconv"
	"strings"
	"time"
)

// resolveDate returns the half-open interval [from, to) that the date value v
// denotes, in now's time zone.
func resolveDate(v string, now time.Time) (from, to time.Time, ok bool) {
	y, m, d := now.Date()
	loc := now.Location()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	today := day(y, m, d)
	monday := today.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	month := day(y, m, 1)
	year := day(y, 1, 1)

	switch strings.ToLower(v) {
	case "today":
		return today, today.AddDate(0, 0, 1), true
	case "yesterday":
		return today.AddDate(0, 0, -1), today, true
	case "this-week":
		return monday, monday.AddDate(0, 0, 7), true
	case "last-week":
		return monday.AddDate(0, 0, -7), monday, true
	case "this-month":
		return month, month.AddDate(0, 1, 0), true
	case "last-month":
		return month.AddDate(0, -1, 0), month, true
	case "this-year":
		return year, year.AddDate(1, 0, 0), true
	case "last-year":
		return year.AddDate(-1, 0, 0), year, true
	}
	if n, unit, ok := relative(v); ok {
		switch unit {
		case 'd':
			return now.AddDate(0, 0, -n), now, true
		case 'w':
			return now.AddDate(0, 0, -7*n), now, true
		default: // 'm'
			return monthsBefore(now, n), now, true
		}
	}
	return absolute(v, loc)
}

// relative parses Nd, Nw and Nm (N from 1 to 9999, unit in any case).
func relative(v string) (n int, unit byte, ok bool) {
	if len(v) < 2 || len(v) > 5 {
		return 0, 0, false
	}
	unit = v[len(v)-1] | 0x20 // ASCII lower case
	if unit != 'd' && unit != 'w' && unit != 'm' || !allDigits(v[:len(v)-1]) {
		return 0, 0, false
	}
	n, _ = strconv.Atoi(v[:len(v)-1])
	return n, unit, n > 0
}

// monthsBefore returns the time n months before t, with the day of the month
// clamped to the length of the target month (31 March minus one month is
// 28 or 29 February, not 3 March).
func monthsBefore(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m-time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	return first.AddDate(0, 0, min(d, daysIn(first.Year(), first.Month()))-1)
}

// absolute parses YYYY, YYYY-MM and YYYY-MM-DD, with "-", "/" or "." as
// separator and one- or two-digit months and days.
func absolute(v string, loc *time.Location) (from, to time.Time, ok bool) {
	sep := "-"
	if i := strings.IndexAny(v, "-/."); i >= 0 {
		sep = v[i : i+1]
	}
	parts := strings.Split(v, sep)
	if len(parts) > 3 || len(parts[0]) != 4 || !allDigits(parts[0]) {
		return from, to, false
	}
	for _, p := range parts[1:] {
		if len(p) < 1 || len(p) > 2 || !allDigits(p) {
			return from, to, false
		}
	}
	num := func(i int) int { n, _ := strconv.Atoi(parts[i]); return n }
	y := num(0)
	if y < 1 {
		return from, to, false
	}
	switch len(parts) {
	case 1:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, 0), true
	case 2:
		m := num(1)
		if m < 1 || m > 12 {
			return from, to, false
		}
		from = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 1, 0), true
	}
	m, d := num(1), num(2)
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return from, to, false
	}
	from = time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1), true
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
