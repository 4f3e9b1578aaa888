package metrics

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // working hours in any IANA zone, on machines without a zoneinfo database

	"github.com/rapport-app/rapport/storage/accounts"
)

// SettingName is the store setting that holds Settings.
const SettingName = "metrics"

// Settings are the metrics' choices, kept in the store.
type Settings struct {
	// Hours are the working-hour schedules, each in force from its From
	// day until the next one's (sorted by From; the first one also before
	// its From). Empty: Monday to Friday, 09:00–18:00, in the computer's
	// time zone.
	Hours []Schedule `json:"hours"`
	// TargetMinutes is the answer target, in minutes of the clock (default 30).
	TargetMinutes int `json:"targetMinutes"`
	// QuietDays flags an account whose customers wrote nothing for that
	// many days (default 14).
	QuietDays int `json:"quietDays"`
	// Domains maps an e-mail domain to the CRM account its people belong
	// to (an account id; "" no customer), over the CRM's contacts and the
	// accounts' own e-mail and web site. It is storage/accounts' one
	// mapping, which the guest console reads too, not kept with these
	// settings; SetSettings replaces it when not nil.
	Domains map[string]string `json:"domains,omitempty"`
	// ResolvedTag and UnresolvedTag are the tags (with their topics'
	// aliases) that mark a thread, a message of it or its whole
	// conversation resolved or unresolved (default "resolved" and
	// "unresolved").
	ResolvedTag   string `json:"resolvedTag"`
	UnresolvedTag string `json:"unresolvedTag"`
}

// Schedule is one set of working hours.
type Schedule struct {
	From     string   `json:"from,omitempty"`     // first day in force, YYYY-MM-DD in Zone ("": from the start)
	Zone     string   `json:"zone"`               // IANA time zone ("": the computer's)
	Days     []int    `json:"days"`               // ISO weekdays worked: 1 Monday … 7 Sunday
	Start    string   `json:"start"`              // HH:MM local
	End      string   `json:"end"`                // HH:MM local, after Start
	Holidays []string `json:"holidays,omitempty"` // YYYY-MM-DD days off in Zone
}

// The clocks a report measures with (Query.Hours).
const (
	HoursSettings = "settings" // working time under Settings.Hours
	HoursWall     = "24x7"     // wall time
)

// DefaultSettings are the settings of a store that has none.
func DefaultSettings() Settings {
	return Settings{
		Hours:         []Schedule{{Days: []int{1, 2, 3, 4, 5}, Start: "09:00", End: "18:00"}},
		TargetMinutes: 30,
		QuietDays:     14,
		ResolvedTag:   DefaultResolvedTag,
		UnresolvedTag: DefaultUnresolvedTag,
	}
}

// normalize fills defaults and sorts the schedules.
func (s Settings) normalize() Settings {
	d := DefaultSettings()
	if len(s.Hours) == 0 {
		s.Hours = d.Hours
	}
	s.Hours = slices.Clone(s.Hours)
	sort.SliceStable(s.Hours, func(i, j int) bool { return s.Hours[i].From < s.Hours[j].From })
	if s.TargetMinutes <= 0 {
		s.TargetMinutes = d.TargetMinutes
	}
	if s.QuietDays <= 0 {
		s.QuietDays = d.QuietDays
	}
	s.ResolvedTag = tagName(s.ResolvedTag, d.ResolvedTag)
	s.UnresolvedTag = tagName(s.UnresolvedTag, d.UnresolvedTag)
	if s.Domains != nil {
		m := make(map[string]string, len(s.Domains))
		for k, v := range s.Domains {
			m[accounts.NormDomain(k)] = strings.TrimSpace(v)
		}
		s.Domains = m
	}
	return s
}

// workClock measures working time under a list of schedules.
type workClock struct {
	periods []period
}

// period is a compiled schedule: in force from from (zero: always).
type period struct {
	from       time.Time
	loc        *time.Location
	days       [8]bool // ISO weekday → worked
	start, end int     // minutes after local midnight
	holidays   map[civil]bool
}

// civil is a calendar day.
type civil struct {
	y int
	m time.Month
	d int
}

func parseHHMM(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: time of day %q (HH:MM)", ErrInvalid, s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

func parseDay(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: day %q (YYYY-MM-DD)", ErrInvalid, s)
	}
	return t, nil
}

func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w: time zone %q", ErrInvalid, name)
	}
	return loc, nil
}

// compile checks the schedules and builds their clock.
func compile(hours []Schedule) (*workClock, error) {
	c := &workClock{}
	for i, s := range hours {
		loc, err := loadZone(s.Zone)
		if err != nil {
			return nil, err
		}
		p := period{loc: loc, holidays: map[civil]bool{}}
		if s.From != "" {
			if p.from, err = parseDay(s.From, loc); err != nil {
				return nil, err
			}
		}
		if i > 0 && s.From == "" {
			return nil, fmt.Errorf("%w: only the first schedule may have no first day", ErrInvalid)
		}
		if p.start, err = parseHHMM(s.Start); err != nil {
			return nil, err
		}
		if p.end, err = parseHHMM(s.End); err != nil {
			return nil, err
		}
		if p.end <= p.start {
			return nil, fmt.Errorf("%w: working hours end (%s) before they start (%s)", ErrInvalid, s.End, s.Start)
		}
		for _, d := range s.Days {
			if d < 1 || d > 7 {
				return nil, fmt.Errorf("%w: weekday %d (1 Monday … 7 Sunday)", ErrInvalid, d)
			}
			p.days[d] = true
		}
		for _, h := range s.Holidays {
			t, err := parseDay(h, loc)
			if err != nil {
				return nil, err
			}
			p.holidays[civil{t.Year(), t.Month(), t.Day()}] = true
		}
		c.periods = append(c.periods, p)
	}
	return c, nil
}

// zone is the time zone of the schedule in force at the end (now).
func (c *workClock) zone() *time.Location { return c.periods[len(c.periods)-1].loc }

// elapsed is the working time in [a, b), each moment under the schedule
// in force then.
func (c *workClock) elapsed(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var sum time.Duration
	for i, p := range c.periods {
		lo, hi := a, b
		if i > 0 && lo.Before(p.from) {
			lo = p.from
		}
		if i+1 < len(c.periods) && hi.After(c.periods[i+1].from) {
			hi = c.periods[i+1].from
		}
		if hi.After(lo) {
			sum += p.work(lo, hi)
		}
	}
	return sum
}

// work is the working time in [a, b) under one schedule: day by day in
// its zone, local working hours made instants on each day (so DST moves
// them with the wall clock).
func (p *period) work(a, b time.Time) time.Duration {
	var sum time.Duration
	t := a.In(p.loc)
	y, m, d := t.Date()
	for {
		day := time.Date(y, m, d, 0, 0, 0, 0, p.loc)
		if !day.Before(b) {
			break
		}
		wd := int(day.Weekday())
		if wd == 0 {
			wd = 7
		}
		if p.days[wd] && !p.holidays[civil{y, m, d}] {
			ws := time.Date(y, m, d, p.start/60, p.start%60, 0, 0, p.loc)
			we := time.Date(y, m, d, p.end/60, p.end%60, 0, 0, p.loc)
			if ws.Before(a) {
				ws = a
			}
			if we.After(b) {
				we = b
			}
			if we.After(ws) {
				sum += we.Sub(ws)
			}
		}
		next := time.Date(y, m, d+1, 0, 0, 0, 0, p.loc)
		y, m, d = next.Date()
	}
	return sum
}
