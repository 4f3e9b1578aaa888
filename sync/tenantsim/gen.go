package tenantsim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Size says how big a world to generate.
type Size struct {
	Name      string
	Customers int
	Messages  int // approximate total of generated messages
}

// Size presets.
var (
	Small  = Size{"small", 6, 1_500}
	Medium = Size{"medium", 12, 12_000}
	Large  = Size{"large", 60, 1_000_000}
)

// ParseSize reads "small", "medium", "large" or a message count.
func ParseSize(s string) (Size, error) {
	switch s {
	case "small":
		return Small, nil
	case "medium":
		return Medium, nil
	case "large":
		return Large, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 10 {
		return Size{}, fmt.Errorf("size %q: want small, medium, large or a message count ≥ 10", s)
	}
	return Size{Name: s, Customers: min(200, max(3, n/8000)), Messages: n}, nil
}

// span is how far back generated history goes. It is longer than the
// eight months channel delta returns, as in a real tenant.
const span = 300 * 24 * time.Hour

// Generate builds the world for seed and size, with history ending at end.
func Generate(seed int64, size Size, end time.Time) *World {
	end = end.UTC().Truncate(time.Second)
	w := &World{
		Seed:     seed,
		TenantID: guid(seed, "tenant"),
		Domain:   "lumen.onmicrosoft.com",
		OrgName:  "流明科技 Lumen Tech",
		Start:    end.Add(-span),
		End:      end,
	}
	g := &generator{w: w, seed: seed}
	g.colleagues(8 + size.Customers/4)
	g.customers(size.Customers)
	g.teams()
	g.chats()
	g.allocate(size.Messages)
	return w
}

type generator struct {
	w    *World
	seed int64
}

func (g *generator) user(kind string, i int, l Lang, customer int) (*User, string) {
	r := rng(g.seed, "user", kind, i)
	given, surname, display, local := personName(r, l)
	u := &User{
		ID:                guid(g.seed, "user", kind, i),
		DisplayName:       display,
		GivenName:         given,
		Surname:           surname,
		UserType:          "Member",
		Created:           g.w.Start.Add(-time.Duration(200+r.IntN(900)) * 24 * time.Hour),
		PreferredLanguage: map[Lang]string{LangZH: "zh-CN", LangEN: "en-US", LangFR: "fr-FR"}[l],
		Customer:          customer,
	}
	if customer < 0 {
		u.Mail = local + "@" + g.w.Domain
		u.UPN = u.Mail
		u.JobTitle = "客户经理"
		if l != LangZH {
			u.JobTitle = "Account Manager"
		}
		t := g.w.End.Add(-time.Duration(r.IntN(72)) * time.Hour)
		u.LastSignIn = &t
	}
	return u, local
}

func (g *generator) colleagues(n int) {
	for i := 0; i < n; i++ {
		l := LangZH
		if i%5 == 3 {
			l = LangFR
		} else if i%5 == 4 {
			l = LangEN
		}
		u, _ := g.user("colleague", i, l, -1)
		g.w.Users = append(g.w.Users, u)
	}
	me := g.w.Users[0]
	me.JobTitle = "大客户经理"
	g.w.Me = me
}

func (g *generator) customers(n int) {
	pools := map[Lang][]customerName{LangZH: customerNames(LangZH), LangEN: customerNames(LangEN), LangFR: customerNames(LangFR)}
	used := map[Lang]int{}
	tiers := []Tier{TierVIP, TierRegular, TierRegular, TierProspect}
	stages := []Stage{StageAfterSales, StageImplementation, StagePreSales}
	for i := 0; i < n; i++ {
		r := rng(g.seed, "customer", i)
		l := LangZH
		switch i % 6 {
		case 4:
			l = LangEN
		case 5:
			l = LangFR
		}
		pool := pools[l]
		cn := pool[used[l]%len(pool)]
		if k := used[l] / len(pool); k > 0 {
			cn.Name += fmt.Sprintf(" %d", k+1)
			cn.Short += fmt.Sprintf(" %d", k+1)
			cn.Domain = fmt.Sprintf("%s%d.%s", strings.SplitN(cn.Domain, ".", 2)[0], k+1, strings.SplitN(cn.Domain, ".", 2)[1])
		}
		used[l]++
		c := &Customer{
			Index: i, Name: cn.Name, Short: cn.Short, Domain: cn.Domain, City: cn.City,
			Industry: cn.Industry, Product: cn.Product,
			Tier:      tiers[r.IntN(len(tiers))],
			Stage:     stages[r.IntN(len(stages))],
			Lang:      l,
			Owner:     g.w.Users[i%min(3, len(g.w.Users))],
			AccountID: guid(g.seed, "account", i),
		}
		if i == 0 {
			c.Tier, c.Stage = TierVIP, StageAfterSales
		}
		for k := 0; k < 2+r.IntN(4); k++ {
			u, local := g.user("contact", i*100+k, l, i)
			u.Mail = local + "@" + c.Domain
			u.UserType, u.CreationType = "Guest", "Invitation"
			u.UPN = strings.ReplaceAll(u.Mail, "@", "_") + "#EXT#@" + g.w.Domain
			u.JobTitle = jobTitle(r, l)
			switch x := r.IntN(10); {
			case x < 1 && k > 0:
				u.ExternalUserState = "PendingAcceptance"
			case x < 3:
				u.ExternalUserState = "Accepted"
				t := g.w.End.Add(-time.Duration(120+r.IntN(300)) * 24 * time.Hour) // stale guest
				u.LastSignIn = &t
			default:
				u.ExternalUserState = "Accepted"
				t := g.w.End.Add(-time.Duration(r.IntN(30*24)) * time.Hour)
				u.LastSignIn = &t
			}
			c.Contacts = append(c.Contacts, u)
			g.w.Users = append(g.w.Users, u)
		}
		for k := 0; k < 1+r.IntN(4); k++ {
			c.Cases = append(c.Cases, fmt.Sprintf("CAS-%05d-%s", 1000+i*37+k*7, strings.ToUpper(hex32(g.seed, "case", i, k)[:6])))
		}
		g.w.Customers = append(g.w.Customers, c)
	}
}

// channelNames are the channels of a customer team, per language.
var channelNames = map[Lang][]struct {
	kind ChannelKind
	name string
	desc string
}{
	LangZH: {
		{KindGeneral, "General", ""},
		{KindAnnouncements, "📢 公告", "版本发布、维护窗口与重要通知"},
		{KindQuestions, "💬 问题咨询", "使用问题与日常咨询"},
		{KindIssues, "🐞 故障报告", "故障上报与处理进展"},
		{KindSharedData, "📊 共享数据", "对账单、报表与交付文档"},
		{KindInternal, "🔒 内部协调", "仅限内部同事"},
	},
	LangEN: {
		{KindGeneral, "General", ""},
		{KindAnnouncements, "📢 Announcements", "Releases, maintenance windows and notices"},
		{KindQuestions, "💬 Questions", "How-to questions and day-to-day requests"},
		{KindIssues, "🐞 Issue reports", "Incidents and their follow-up"},
		{KindSharedData, "📊 Shared data", "Statements, reports and deliverables"},
		{KindInternal, "🔒 Internal", "Colleagues only"},
	},
	LangFR: {
		{KindGeneral, "General", ""},
		{KindAnnouncements, "📢 Annonces", "Versions, fenêtres de maintenance et avis"},
		{KindQuestions, "💬 Questions", "Questions d’utilisation et demandes courantes"},
		{KindIssues, "🐞 Incidents", "Signalement des pannes et suivi"},
		{KindSharedData, "📊 Données partagées", "Relevés, rapports et livrables"},
		{KindInternal, "🔒 Interne", "Réservé aux collègues"},
	},
}

var stageNames = map[Lang]map[Stage]string{
	LangZH: {StagePreSales: "售前咨询", StageImplementation: "项目实施", StageAfterSales: "售后支持"},
	LangEN: {StagePreSales: "Pre-sales", StageImplementation: "Implementation", StageAfterSales: "After-sales"},
	LangFR: {StagePreSales: "Avant-vente", StageImplementation: "Mise en œuvre", StageAfterSales: "Après-vente"},
}

var tierNames = map[Lang]map[Tier]string{
	LangZH: {TierVIP: "VIP", TierRegular: "普通", TierProspect: "潜在"},
	LangEN: {TierVIP: "VIP", TierRegular: "Regular", TierProspect: "Prospect"},
	LangFR: {TierVIP: "VIP", TierRegular: "Standard", TierProspect: "Prospect"},
}

func (g *generator) teams() {
	for _, c := range g.w.Customers {
		i := c.Index
		t := &Team{
			ID:          guid(g.seed, "team", i),
			InternalID:  "19:" + hex32(g.seed, "team-thread", i) + "@thread.tacv2",
			DisplayName: fmt.Sprintf("【%s】%s · %s", tierNames[c.Lang][c.Tier], c.Short, stageNames[c.Lang][c.Stage]),
			Description: fmt.Sprintf("%s — %s", c.Name, c.Product),
			Visibility:  "private",
			Created:     g.w.Start.Add(-time.Duration(hash64(g.seed, "team-created", i)%90) * 24 * time.Hour),
			Customer:    i,
			Settings: TeamSettings{
				MemberAllowCreateUpdateChannels: false, MemberAllowAddRemoveApps: false,
				// Teams' default keeps guests from changing channels; a
				// third of the teams were loosened along the way.
				GuestAllowCreateUpdateChannels: hash64(g.seed, "guest-channels", i)%3 == 0,
				GuestAllowDeleteChannels:       hash64(g.seed, "guest-channels", i)%6 == 0,
				AllowUserEditMessages:          true, AllowUserDeleteMessages: true, AllowOwnerDeleteMessages: true,
				AllowTeamMentions: false, AllowChannelMentions: true, AllowGiphy: false, GiphyContentRating: "strict",
			},
		}
		// Colleagues own the team; the account manager is always in it.
		t.Members = append(t.Members, Member{UserID: c.Owner.ID, Roles: []string{"owner"}, Since: t.Created})
		if c.Owner != g.w.Me {
			t.Members = append(t.Members, Member{UserID: g.w.Me.ID, Roles: []string{"owner"}, Since: t.Created})
		}
		for k, u := range g.w.Users {
			if u.Customer < 0 && u != c.Owner && u != g.w.Me && hash64(g.seed, "in-team", i, k)%4 == 0 {
				t.Members = append(t.Members, Member{UserID: u.ID, Roles: []string{}, Since: t.Created})
			}
		}
		for _, u := range c.Contacts {
			if u.ExternalUserState == "Accepted" {
				t.Members = append(t.Members, Member{UserID: u.ID, Roles: []string{"guest"}, Since: t.Created.Add(24 * time.Hour)})
			}
		}
		for k, cn := range channelNames[c.Lang] {
			if cn.kind == KindInternal && c.Tier == TierProspect {
				continue
			}
			ch := &Channel{
				ID:             "19:" + hex32(g.seed, "channel", i, k) + "@thread.tacv2",
				TeamID:         t.ID,
				DisplayName:    cn.name,
				Description:    cn.desc,
				MembershipType: "standard",
				Kind:           cn.kind,
				Created:        t.Created.Add(time.Duration(k) * time.Hour),
			}
			if cn.kind == KindGeneral {
				ch.ID = t.InternalID
			}
			if cn.kind == KindInternal {
				ch.MembershipType = "private"
				for _, m := range t.Members {
					if !hasRole(m.Roles, "guest") {
						ch.Members = append(ch.Members, Member{UserID: m.UserID, Roles: m.Roles, Since: ch.Created})
					}
				}
			}
			t.Channels = append(t.Channels, ch)
		}
		g.w.Teams = append(g.w.Teams, t)
	}
}

func hasRole(roles []string, r string) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// handoverTopics name a colleague's chat about one case.
var handoverTopics = map[Lang]string{LangZH: "%s 工单 %s 交接", LangEN: "%s case %s handover", LangFR: "%s · passation du dossier %s"}

var groupChatTopics = map[Lang][]string{
	LangZH: {"%s · 付款对接", "%s 项目群", "%s · 交付协调"},
	LangEN: {"%s · billing", "%s project", "%s · delivery"},
	LangFR: {"%s · facturation", "Projet %s", "%s · livraisons"},
}

func (g *generator) chats() {
	me := g.w.Me
	for _, c := range g.w.Customers {
		i := c.Index
		for k, u := range c.Contacts {
			if u.ExternalUserState != "Accepted" || k > 2 {
				continue
			}
			a, b := me.ID, u.ID
			g.w.Chats = append(g.w.Chats, &Chat{
				ID:       "19:" + a + "_" + b + "@unq.gbl.spaces",
				ChatType: "oneOnOne",
				Created:  g.w.Start.Add(time.Duration(hash64(g.seed, "chat1", i, k)%30) * 24 * time.Hour),
				Customer: i,
				Members: []Member{
					{UserID: a, Roles: []string{"owner"}},
					{UserID: b, Roles: []string{"guest"}},
				},
			})
		}
		topics := groupChatTopics[c.Lang]
		ch := &Chat{
			ID:       "19:" + hex32(g.seed, "groupchat", i) + "@thread.v2",
			Topic:    fmt.Sprintf(topics[i%len(topics)], c.Short),
			ChatType: "group",
			Created:  g.w.Start.Add(time.Duration(hash64(g.seed, "chatg", i)%20) * 24 * time.Hour),
			Customer: i,
			Members:  []Member{{UserID: me.ID, Roles: []string{"owner"}}},
		}
		if c.Owner != me {
			ch.Members = append(ch.Members, Member{UserID: c.Owner.ID, Roles: []string{"owner"}})
		}
		for _, u := range c.Contacts {
			if u.ExternalUserState == "Accepted" {
				ch.Members = append(ch.Members, Member{UserID: u.ID, Roles: []string{"guest"}})
			}
		}
		g.w.Chats = append(g.w.Chats, ch)
	}
	// Colleagues' case chats that Me is not in (a case handed over, an
	// escalation): linked to the case in Dynamics, so Me sees them on the
	// case's timeline and may join them.
	for _, c := range g.w.Customers {
		if c.Owner == me || c.Index%2 == 0 || len(c.Cases) == 0 {
			continue
		}
		ch := &Chat{
			ID:       "19:" + hex32(g.seed, "handover", c.Index) + "@thread.v2",
			Topic:    fmt.Sprintf(handoverTopics[c.Lang], c.Short, c.Cases[0]),
			ChatType: "group",
			Created:  g.w.Start.Add(span/2 + time.Duration(hash64(g.seed, "handover", c.Index)%30)*24*time.Hour),
			Customer: c.Index,
			Members:  []Member{{UserID: c.Owner.ID, Roles: []string{"owner"}}},
			Case:     c.Cases[0],
		}
		for _, u := range c.Contacts {
			if u.ExternalUserState == "Accepted" {
				ch.Members = append(ch.Members, Member{UserID: u.ID, Roles: []string{"guest"}})
			}
		}
		if len(ch.Members) > 1 {
			g.w.Handovers = append(g.w.Handovers, ch)
		}
	}
	// Colleagues talk among themselves too.
	for k := 1; k < min(4, len(g.w.Users)); k++ {
		u := g.w.Users[k]
		if u.Customer >= 0 {
			break
		}
		g.w.Chats = append(g.w.Chats, &Chat{
			ID:       "19:" + me.ID + "_" + u.ID + "@unq.gbl.spaces",
			ChatType: "oneOnOne",
			Created:  g.w.Start,
			Customer: -1,
			Members:  []Member{{UserID: me.ID, Roles: []string{"owner"}}, {UserID: u.ID, Roles: []string{"owner"}}},
		})
	}
}

// kindWeight is how talkative each kind of conversation is.
var kindWeight = map[ChannelKind]float64{
	KindGeneral: 0.4, KindAnnouncements: 0.12, KindQuestions: 0.6, KindIssues: 0.6,
	KindSharedData: 0.25, KindInternal: 0.35, KindChat: 1.0,
}

var tierWeight = map[Tier]float64{TierVIP: 3, TierRegular: 1.5, TierProspect: 0.6}

// allocate shares the message budget among conversations and fixes each
// conversation's timeline.
func (g *generator) allocate(total int) {
	type slot struct {
		c      *conv
		weight float64
		perMsg float64 // messages per generated item (1 + mean replies for channels)
	}
	var slots []slot
	var sum float64
	add := func(c *conv, weight, perMsg float64) {
		slots = append(slots, slot{c, weight, perMsg})
		sum += weight
	}
	for _, t := range g.w.Teams {
		cu := g.w.Customers[t.Customer]
		for _, ch := range t.Channels {
			ch.conv = &conv{w: g.w, id: ch.ID, channel: ch, team: t}
			add(ch.conv, kindWeight[ch.Kind]*tierWeight[cu.Tier], 2.3)
		}
	}
	for _, ch := range g.w.Chats {
		ch.conv = &conv{w: g.w, id: ch.ID, chat: ch}
		wgt := 0.8
		if ch.Customer >= 0 {
			wgt = kindWeight[KindChat] * tierWeight[g.w.Customers[ch.Customer].Tier]
		}
		if ch.ChatType == "group" {
			wgt *= 1.5
		}
		add(ch.conv, wgt, 1)
	}
	// Handover chats are a fixed size apart from the budget, so they leave
	// the rest of the world as it was.
	for _, ch := range g.w.Handovers {
		c := &conv{w: g.w, id: ch.ID, chat: ch, overrides: map[string]*Message{}}
		ch.conv = c
		c.n = 12 + int(hash64(g.seed, "handover-n", ch.ID)%24)
		c.start = ch.Created
		c.gap = g.w.End.Sub(c.start) / time.Duration(c.n+1)
		ch.Count = c.n
		g.w.HandoverMessages += c.count()
	}
	for _, s := range slots {
		c := s.c
		c.n = max(1, int(math.Round(float64(total)*s.weight/sum/s.perMsg)))
		c.overrides = map[string]*Message{}
		// Each conversation starts somewhere in the first half of the span.
		off := time.Duration(hash64(g.seed, "conv-start", c.id) % uint64(span/2))
		c.start = g.w.Start.Add(off)
		c.gap = g.w.End.Sub(c.start) / time.Duration(c.n+1)
		if c.channel != nil {
			c.channel.Roots = c.n
		} else {
			c.chat.Count = c.n
		}
		g.w.Messages += c.count()
	}
}

// convs lists every conversation: channels first (team order), then
// chats, then the handover chats Me is not in.
func (w *World) convs() []*conv {
	var out []*conv
	for _, t := range w.Teams {
		for _, ch := range t.Channels {
			out = append(out, ch.conv)
		}
	}
	for _, c := range w.Chats {
		out = append(out, c.conv)
	}
	for _, c := range w.Handovers {
		out = append(out, c.conv)
	}
	return out
}
