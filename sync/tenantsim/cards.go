package tenantsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Card posts: apps and connectors post a small share of channel threads
// as cards, the way Graph delivers them: from.application set and
// from.user null, a body that only references the attachment, and the
// attachment's content a JSON string. The Dynamics 365 app posts case
// cards (Adaptive Cards with the case's facts), Planner posts task cards
// (Adaptive Cards), and a monitoring connector posts outage alerts (Office
// 365 connector cards). Their text is what a Teams user reads on them;
// Message.Text holds it line by line, in the order Teams shows it.

// Card content types, as Graph names them.
const (
	CardAdaptive  = "application/vnd.microsoft.card.adaptive"
	CardConnector = "application/vnd.microsoft.teams.card.o365connector"
)

// App is a Teams app or connector that posts messages.
type App struct {
	ID          string
	DisplayName string
	Kind        string // applicationIdentityType: "bot" or "office365Connector"
}

// The apps that post cards in customer teams.
var (
	AppDynamics = App{ID: guid(0, "app", "dynamics"), DisplayName: "Dynamics 365", Kind: "bot"}
	AppPlanner  = App{ID: guid(0, "app", "planner"), DisplayName: "Planner", Kind: "bot"}
	AppMonitor  = App{ID: guid(0, "app", "monitor"), DisplayName: "Lumen IoT Monitor", Kind: "office365Connector"}
)

// cardPerMille is the share of a channel's threads that are card posts.
var cardPerMille = map[ChannelKind]int{KindIssues: 120, KindGeneral: 50, KindQuestions: 40, KindInternal: 60}

// cardPost returns root post i of channel conversation c as a card post,
// or nil when it is written by a person. It is a pure function of the
// seed and its arguments.
func (w *World) cardPost(c *conv, i int, m *Message, cust *Customer, members []Member) *Message {
	kind := c.channel.Kind
	if hash64(w.Seed, "card", c.id, i)%1000 >= uint64(cardPerMille[kind]) {
		return nil
	}
	r := rng(w.Seed, "card", c.id, i)
	x := r.IntN(10)
	var cp cardContent
	switch {
	case kind == KindIssues && (x < 6 || len(cust.Cases) == 0):
		cp = w.alertCard(r, cust, m.Created)
	case (kind == KindGeneral || kind == KindInternal) && (x < 5 || len(cust.Cases) == 0):
		cp = w.plannerCard(r, cust, members)
	case len(cust.Cases) > 0:
		cp = w.caseCard(r, cust)
	default:
		return nil
	}
	m.App = &cp.app
	m.Lang = cust.Lang
	m.Topics = []string{topicNames[cp.topic]}
	m.Text = strings.Join(cp.lines, "\n")
	a := Attachment{ID: hex32(w.Seed, "card-att", c.id, m.ID), Card: cp.contentType, Content: cp.json()}
	m.Attachments = []Attachment{a}
	m.HTML = `<attachment id="` + a.ID + `"></attachment>`
	var others []*User
	for _, mb := range members {
		others = append(others, w.user(mb.UserID))
	}
	c.fate(r, i, -1, m, others)
	return m
}

// cardContent is a card being built: its content and the text a reader
// sees on it, line by line.
type cardContent struct {
	app         App
	contentType string
	content     map[string]any
	lines       []string
	topic       msgTopic
}

// json encodes the card as Graph sends it: a JSON string, HTML characters
// not escaped.
func (cp *cardContent) json() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cp.content); err != nil {
		panic("tenantsim: card: " + err.Error())
	}
	return strings.TrimSpace(b.String())
}

// cardBook is the cards' wording in one language.
type cardBook struct {
	CaseEvents     [3]string // created, assigned (%s: the owner), updated
	CaseFacts      [5]string // case number, customer, priority, status, owner
	Priorities     [3]string // prioritycode 1, 2, 3
	Statuses       [5]string // statuscode 1 … 5
	OpenCase       string
	TaskHeader     string
	TaskFacts      [3]string // plan, due date, assigned to
	Plan           string    // %s: the customer's short name
	Tasks          []cardTask
	OpenTask       string
	AlertTitle     string // %s: the city
	AlertSummary   string // %s: the device
	AlertActivity  string
	AlertFacts     [5]string // severity, device, error code, site, started
	Severities     [2]string
	AlertActions   [2]string // view, acknowledge
	AlertTimestamp string    // layout of the start time
}

// cardTask is a Planner task title (%s: the customer) and its topic.
type cardTask struct {
	title string
	topic msgTopic
}

var cardBooks = map[Lang]*cardBook{
	LangZH: {
		CaseEvents: [3]string{"案例已创建", "案例已分配给 %s", "案例已更新"},
		CaseFacts:  [5]string{"案例编号", "客户", "优先级", "状态", "负责人"},
		Priorities: [3]string{"高", "普通", "低"},
		Statuses:   [5]string{"处理中", "暂停", "等待详细信息", "正在研究", "问题已解决"},
		OpenCase:   "在 Dynamics 365 中打开",
		TaskHeader: "新任务",
		TaskFacts:  [3]string{"计划", "截止日期", "分配给"},
		Plan:       "%s 项目",
		Tasks: []cardTask{{"准备 %s 第二期付款对账单", topicPayment}, {"确认 %s 交付时间", topicDelivery}, {"安排 %s 用户培训", topicTraining},
			{"起草 %s 续约合同", topicContract}, {"预约 %s 季度回顾会议", topicMeeting}},
		OpenTask:       "在 Planner 中打开",
		AlertTitle:     "【故障告警】%s 站点 IoT 网关离线",
		AlertSummary:   "网关 %s 离线",
		AlertActivity:  "设备监控",
		AlertFacts:     [5]string{"严重级别", "设备", "错误代码", "站点", "开始时间"},
		Severities:     [2]string{"严重", "警告"},
		AlertActions:   [2]string{"查看告警", "确认告警"},
		AlertTimestamp: "2006-01-02 15:04 UTC",
	},
	LangEN: {
		CaseEvents: [3]string{"New case created", "Case assigned to %s", "Case updated"},
		CaseFacts:  [5]string{"Case number", "Customer", "Priority", "Status", "Owner"},
		Priorities: [3]string{"High", "Normal", "Low"},
		Statuses:   [5]string{"In Progress", "On Hold", "Waiting for Details", "Researching", "Problem Solved"},
		OpenCase:   "Open in Dynamics 365",
		TaskHeader: "New task",
		TaskFacts:  [3]string{"Plan", "Due date", "Assigned to"},
		Plan:       "%s project",
		Tasks: []cardTask{{"Prepare the payment statement for %s", topicPayment}, {"Confirm the delivery slot with %s", topicDelivery},
			{"Schedule user training for %s", topicTraining}, {"Draft the renewal contract for %s", topicContract},
			{"Book the quarterly review meeting with %s", topicMeeting}},
		OpenTask:       "Open in Planner",
		AlertTitle:     "Outage alert: IoT gateway offline at %s",
		AlertSummary:   "Gateway %s offline",
		AlertActivity:  "Device monitoring",
		AlertFacts:     [5]string{"Severity", "Device", "Error code", "Site", "Started"},
		Severities:     [2]string{"Critical", "Warning"},
		AlertActions:   [2]string{"View alert", "Acknowledge"},
		AlertTimestamp: "Jan 2, 2006 15:04 UTC",
	},
	LangFR: {
		CaseEvents: [3]string{"Nouvel incident créé", "Incident attribué à %s", "Incident mis à jour"},
		CaseFacts:  [5]string{"Numéro d’incident", "Client", "Priorité", "Statut", "Propriétaire"},
		Priorities: [3]string{"Élevée", "Normale", "Faible"},
		Statuses:   [5]string{"En cours", "En attente", "En attente de détails", "Recherche en cours", "Problème résolu"},
		OpenCase:   "Ouvrir dans Dynamics 365",
		TaskHeader: "Nouvelle tâche",
		TaskFacts:  [3]string{"Plan", "Date limite", "Attribuée à"},
		Plan:       "Projet %s",
		Tasks: []cardTask{{"Préparer le relevé de paiement pour %s", topicPayment}, {"Confirmer le créneau de livraison avec %s", topicDelivery},
			{"Planifier la formation des utilisateurs de %s", topicTraining}, {"Rédiger le contrat de renouvellement de %s", topicContract},
			{"Organiser la réunion trimestrielle avec %s", topicMeeting}},
		OpenTask:       "Ouvrir dans Planner",
		AlertTitle:     "Alerte panne : passerelle IoT hors ligne à %s",
		AlertSummary:   "Passerelle %s hors ligne",
		AlertActivity:  "Supervision des équipements",
		AlertFacts:     [5]string{"Gravité", "Équipement", "Code d’erreur", "Site", "Début"},
		Severities:     [2]string{"Critique", "Avertissement"},
		AlertActions:   [2]string{"Voir l’alerte", "Acquitter"},
		AlertTimestamp: "02/01/2006 15:04 UTC",
	},
}

// orgHost is the Dynamics 365 organisation's host.
func (w *World) orgHost() string {
	name, _, _ := strings.Cut(w.Domain, ".")
	return name + ".crm5.dynamics.com"
}

// adaptiveCard starts an Adaptive Card with a header: an icon, a subtle
// line naming the app and the event, and the title in bold.
func adaptiveCard(app App, icon, header, title string) *cardContent {
	cp := &cardContent{app: app, contentType: CardAdaptive, lines: []string{header, title}}
	cp.content = map[string]any{
		"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4",
		"body": []any{map[string]any{"type": "ColumnSet", "columns": []any{
			map[string]any{"type": "Column", "width": "auto", "items": []any{map[string]any{"type": "Image", "url": icon, "size": "Small"}}},
			map[string]any{"type": "Column", "width": "stretch", "items": []any{
				map[string]any{"type": "TextBlock", "text": header, "size": "Small", "isSubtle": true, "wrap": true},
				map[string]any{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": true},
			}},
		}}},
	}
	return cp
}

// facts adds a FactSet.
func (cp *cardContent) facts(names []string, values ...string) {
	var fs []any
	for i, n := range names {
		fs = append(fs, map[string]any{"title": n, "value": values[i]})
		cp.lines = append(cp.lines, n+" "+values[i])
	}
	cp.content["body"] = append(cp.content["body"].([]any), map[string]any{"type": "FactSet", "facts": fs})
}

// openURL adds an Action.OpenUrl.
func (cp *cardContent) openURL(title, url string) {
	cp.content["actions"] = []any{map[string]any{"type": "Action.OpenUrl", "title": title, "url": url}}
	cp.lines = append(cp.lines, title)
}

// caseCard is a Dynamics 365 notice about one of the customer's cases,
// with the case's facts as Dataverse first holds them.
func (w *World) caseCard(r *rand.Rand, cust *Customer) cardContent {
	b := cardBooks[cust.Lang]
	k := r.IntN(len(cust.Cases))
	cs := w.caseFacts(cust, k)
	event := b.CaseEvents[r.IntN(len(b.CaseEvents))]
	if strings.Contains(event, "%s") {
		event = fmt.Sprintf(event, cust.Owner.DisplayName)
	}
	host := w.orgHost()
	cp := adaptiveCard(AppDynamics, "https://"+host+"/_imgs/svg_112.svg", "Dynamics 365 · "+event, cs.Title)
	cp.facts(b.CaseFacts[:], cs.Ticket, cust.Name, b.Priorities[cs.Priority-1], b.Statuses[cs.Status-1], cust.Owner.DisplayName)
	cp.openURL(b.OpenCase, "https://"+host+"/main.aspx?pagetype=entityrecord&etn=incident&id="+w.CaseID(cs.Ticket))
	cp.topic = caseTitleTopics[cs.TitleIndex]
	return *cp
}

// plannerCard is a Planner notice of a new task about the customer.
func (w *World) plannerCard(r *rand.Rand, cust *Customer, members []Member) cardContent {
	b := cardBooks[cust.Lang]
	task := b.Tasks[r.IntN(len(b.Tasks))]
	var colleagues []*User
	for _, mb := range members {
		if u := w.user(mb.UserID); !u.IsGuest() {
			colleagues = append(colleagues, u)
		}
	}
	assignee := w.Me
	if len(colleagues) > 0 {
		assignee = colleagues[r.IntN(len(colleagues))]
	}
	f := newFillers(r, cust, bookFor(cust.Lang))
	cp := adaptiveCard(AppPlanner, "https://tasks.office.com/Images/planner_icon.png", "Planner · "+b.TaskHeader, fmt.Sprintf(task.title, cust.Short))
	cp.facts(b.TaskFacts[:], fmt.Sprintf(b.Plan, cust.Short), f.date, assignee.DisplayName)
	cp.openURL(b.OpenTask, "https://tasks.office.com/"+w.Domain+"/Home/Task/"+hex32(w.Seed, "task", cust.Index, r.Int64())[:22])
	cp.topic = task.topic
	return *cp
}

// alertCard is the monitoring connector's outage alert: an Office 365
// connector card with one section of facts.
func (w *World) alertCard(r *rand.Rand, cust *Customer, at time.Time) cardContent {
	b := cardBooks[cust.Lang]
	f := newFillers(r, cust, bookFor(cust.Lang))
	device := "GW-" + f.n4
	title, summary := fmt.Sprintf(b.AlertTitle, f.city), fmt.Sprintf(b.AlertSummary, device)
	started := at.Add(-time.Duration(1+r.IntN(30)) * time.Minute).UTC().Format(b.AlertTimestamp)
	values := []string{b.Severities[r.IntN(2)], device, f.code, f.city, started}
	cp := cardContent{app: AppMonitor, contentType: CardConnector, topic: topicFault,
		lines: []string{title, summary, b.AlertActivity, cust.Name}}
	var facts []any
	for i, n := range b.AlertFacts {
		facts = append(facts, map[string]any{"name": n, "value": values[i]})
		cp.lines = append(cp.lines, n+" "+values[i])
	}
	cp.lines = append(cp.lines, b.AlertActions[0]+" "+b.AlertActions[1])
	org, _, _ := strings.Cut(w.Domain, ".")
	base := "https://monitor." + org + ".example/alerts/" + strconv.Itoa(10000+r.IntN(90000))
	cp.content = map[string]any{
		"@type": "MessageCard", "@context": "https://schema.org/extensions", "themeColor": "D70000",
		"title": title, "summary": summary,
		"sections": []any{map[string]any{
			"activityTitle": b.AlertActivity, "activitySubtitle": cust.Name,
			"activityImage": "https://monitor." + org + ".example/static/gateway.png",
			"facts":         facts, "markdown": true,
		}},
		"potentialAction": []any{
			map[string]any{"@type": "OpenUri", "name": b.AlertActions[0], "targets": []any{map[string]any{"os": "default", "uri": base}}},
			map[string]any{"@type": "HttpPOST", "name": b.AlertActions[1], "target": base + "/ack"},
		},
	}
	return cp
}
