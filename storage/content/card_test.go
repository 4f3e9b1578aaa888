package content

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/storage"
)

// dynamicsCard is an Adaptive Card as the Dynamics 365 app posts a case:
// a header, the title, facts, nested columns, an image and actions.
const dynamicsCard = `{
  "type": "AdaptiveCard", "version": "1.4", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
  "body": [
    {"type": "ColumnSet", "columns": [
      {"type": "Column", "width": "auto", "items": [{"type": "Image", "url": "https://cdn.crm.dynamics.com/icons/incident.png", "size": "Small"}]},
      {"type": "Column", "width": "stretch", "items": [
        {"type": "TextBlock", "text": "Dynamics 365", "size": "Small", "isSubtle": true},
        {"type": "TextBlock", "text": "华东精密 设备报警无法消除", "weight": "Bolder", "size": "Medium", "wrap": true}
      ]}
    ]},
    {"type": "FactSet", "facts": [
      {"title": "案例编号", "value": "CAS-01037-A1B2C3"},
      {"title": "优先级", "value": "**高**"},
      {"title": "状态", "value": "处理中"}
    ]},
    {"type": "Container", "items": [{"type": "Container", "items": [
      {"type": "TextBlock", "text": "Nested container words, see https://contoso.crm.dynamics.com/main.aspx?etn=incident&id=1", "wrap": true}
    ]}]},
    {"type": "TextBlock", "text": "hidden until shown", "isVisible": false},
    {"type": "Input.Text", "id": "comment", "label": "Comment", "value": "prefilled secret"}
  ],
  "actions": [
    {"type": "Action.OpenUrl", "title": "在 Dynamics 365 中打开", "url": "https://contoso.crm.dynamics.com/main.aspx?etn=incident&id=1&pagetype=entityrecord"},
    {"type": "Action.Submit", "title": "Resolve", "data": {"verb": "resolve"}},
    {"type": "Action.ShowCard", "title": "Reassign", "card": {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "inside the shown card"}]}}
  ]
}`

const richCard = `{"type": "AdaptiveCard", "version": "1.5", "body": [
  {"type": "RichTextBlock", "inlines": ["Plain run ", {"type": "TextRun", "text": "bold run", "weight": "Bolder"},
    " and ", {"type": "TextRun", "text": "linked run", "selectAction": {"type": "Action.OpenUrl", "url": "https://planner.example/task/1"}}]},
  {"type": "TextBlock", "text": "- first item\n- second item\n\n1. one\n2. two"},
  {"type": "TextBlock", "text": "Due {{DATE(2026-03-14T06:08:39Z, SHORT)}} at {{TIME(2026-03-14T06:08:39Z)}}, ask <at>Li Wei</at> or read [the plan](https://tasks.office.com/plan/7)."},
  {"type": "Table", "columns": [{"width": 1}, {"width": 1}], "rows": [
    {"type": "TableRow", "cells": [{"type": "TableCell", "items": [{"type": "TextBlock", "text": "Bucket"}]}, {"type": "TableCell", "items": [{"type": "TextBlock", "text": "Due"}]}]},
    {"type": "TableRow", "cells": [{"type": "TableCell", "items": [{"type": "TextBlock", "text": "Invoices"}]}, {"type": "TableCell", "items": [{"type": "TextBlock", "text": "Friday"}]}]}
  ]},
  {"type": "ActionSet", "actions": [{"type": "Action.Execute", "title": "Mark complete", "verb": "complete"}]},
  {"type": "FutureElement", "fallback": {"type": "TextBlock", "text": "Fallback words"}}
]}`

const heroCard = `{"title": "Knowledge article KA-01002", "subtitle": "Alarm code reference",
  "text": "Codes <b>E-1042</b> and E-2001 explained.<br>Read it <a href=\"https://docs.example.com/ka\">online</a>.",
  "images": [{"url": "https://images.example.com/hero.jpg", "alt": "diagram"}],
  "buttons": [
    {"type": "openUrl", "title": "Open article", "value": "https://contoso.crm.dynamics.com/ka/1002"},
    {"type": "imBack", "title": "Helpful", "value": "helpful"},
    {"type": "openUrl", "title": "Tracker", "value": "http://insecure.example.com/x"}
  ],
  "tap": {"type": "openUrl", "value": "https://contoso.crm.dynamics.com/ka/1002"}}`

const connectorCard = `{
  "@type": "MessageCard", "@context": "https://schema.org/extensions",
  "title": "Alert: gateway GW-4711 offline", "summary": "GW-4711 offline since 09:30",
  "themeColor": "D70000",
  "text": "The **IoT gateway** stopped reporting.",
  "sections": [{
    "activityTitle": "Monitoring", "activitySubtitle": "Shanghai plant", "activityImage": "https://monitor.example.com/logo.png",
    "activityText": "Severity raised by the _on-call_ rule",
    "facts": [{"name": "Severity", "value": "Critical"}, {"name": "Error code", "value": "E-1042"}],
    "text": "Check power and uplink first.",
    "images": [{"image": "https://monitor.example.com/graph.png", "title": "graph"}],
    "potentialAction": [{"@type": "HttpPOST", "name": "Acknowledge", "target": "https://monitor.example.com/ack/1"}]
  }],
  "potentialAction": [
    {"@type": "OpenUri", "name": "View alert", "targets": [{"os": "default", "uri": "https://monitor.example.com/alerts/4711"}]},
    {"@type": "ActionCard", "name": "Comment", "inputs": [{"@type": "TextInput", "id": "c", "title": "Your comment"}]}
  ]
}`

// hostileCard carries script, markup, javascript: and remote images in
// every place a card may hold them.
const hostileCard = `{"type": "AdaptiveCard", "body": [
  {"type": "TextBlock", "text": "<script>alert(1)</script><img src=https://evil.example/x.png onerror=alert(2)> [click](javascript:alert(3)) **bold**"},
  {"type": "FactSet", "facts": [{"title": "<b onmouseover=alert(4)>t</b>", "value": "[v](JaVaScRiPt:alert(5))"}]},
  {"type": "Image", "url": "https://evil.example/track.gif"},
  {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "run", "selectAction": {"type": "Action.OpenUrl", "url": "javascript:alert(6)"}}]}
],
"actions": [
  {"type": "Action.OpenUrl", "title": "Open <i>me</i>", "url": "javascript:alert(7)"},
  {"type": "Action.OpenUrl", "title": "data", "url": "data:text/html,<script>alert(8)</script>"},
  {"type": "Action.OpenUrl", "title": "creds", "url": "https://user:pw@evil.example/"}
]}`

const hostileConnector = `{"title": "<img src=\"https://evil.example/t.gif\">Alert", "text": "<script>alert(1)</script><a href=\"javascript:alert(2)\">x</a><iframe src=\"https://evil.example\"></iframe><div style=\"background:url(https://evil.example/bg)\" onclick=\"alert(3)\">styled</div><img src=\"/hosted/abc\">",
  "sections": [{"facts": [{"name": "<svg onload=alert(4)>n</svg>", "value": "<a href=\"https://ok.example/\" onclick=\"x\">ok</a>"}]}],
  "potentialAction": [{"@type": "OpenUri", "name": "Go", "targets": [{"os": "default", "uri": "javascript:alert(5)"}]}]}`

func TestCard(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		content     string
		wantText    []string // lines or parts of lines of the text
		notText     []string // never in the text (case-insensitive)
		wantSafe    []string // substrings of the safe HTML
		banned      []string // never in the safe HTML (case-insensitive)
		wantErr     bool
	}{
		{
			name: "adaptive: Dynamics 365 case", contentType: storage.CardAdaptive, content: dynamicsCard,
			wantText: []string{"Dynamics 365", "华东精密 设备报警无法消除", "案例编号 CAS-01037-A1B2C3", "优先级 高", "状态 处理中",
				"Nested container words, see [link]", "Comment", "在 Dynamics 365 中打开 Resolve Reassign"},
			notText: []string{"https", "crm.dynamics.com", "incident.png", "hidden until shown", "prefilled", "inside the shown card", "etn="},
			wantSafe: []string{`<div class="teams-card">`, `<table class="teams-card-facts">`, "<th>案例编号</th><td>CAS-01037-A1B2C3</td>", "<strong>高</strong>",
				`<p><strong>华东精密 设备报警无法消除</strong></p>`, `<p class="teams-card-actions">`,
				`<a href="https://contoso.crm.dynamics.com/main.aspx?etn=incident&amp;id=1&amp;pagetype=entityrecord" rel="nofollow noreferrer noopener" target="_blank">在 Dynamics 365 中打开</a>`,
				"<span>Resolve</span>", `<a href="https://contoso.crm.dynamics.com/main.aspx?etn=incident&amp;id=1" rel="nofollow noreferrer noopener" target="_blank">[link]</a>`},
			banned: []string{"<img", "incident.png", "hidden until shown", "prefilled", "verb"},
		},
		{
			name: "adaptive: rich text, lists, dates, mention, table, fallback", contentType: storage.CardAdaptive, content: richCard,
			wantText: []string{"Plain run bold run and linked run", "first item\nsecond item\none\ntwo",
				"Due 2026-03-14 at 06:08, ask @Li Wei or read the plan.", "Bucket", "Invoices", "Mark complete", "Fallback words"},
			notText: []string{"tasks.office.com", "planner.example", "{{", "**"},
			wantSafe: []string{"<strong>bold run</strong>", `<a href="https://planner.example/task/1"`, "<ul><li>first item</li><li>second item</li></ul>", "<ol><li>one</li>",
				`<span class="mention">@Li Wei</span>`, `<a href="https://tasks.office.com/plan/7" rel="nofollow noreferrer noopener" target="_blank">the plan</a>`, "<th>", "<span>Mark complete</span>"},
		},
		{
			name: "hero", contentType: storage.CardHero, content: heroCard,
			wantText: []string{"Knowledge article KA-01002", "Alarm code reference", "Codes E-1042 and E-2001 explained.", "Read it online.", "Open article Helpful Tracker"},
			notText:  []string{"docs.example.com", "hero.jpg", "insecure", "diagram", "http"},
			wantSafe: []string{"<b>E-1042</b>", `<a href="https://docs.example.com/ka"`, `<a href="https://contoso.crm.dynamics.com/ka/1002"`, "<span>Helpful</span>", "<span>Tracker</span>"},
			banned:   []string{"<img", "hero.jpg", "insecure.example"},
		},
		{
			name: "thumbnail", contentType: storage.CardThumbnail, content: heroCard,
			wantText: []string{"Knowledge article KA-01002", "Open article Helpful Tracker"},
		},
		{
			name: "connector: alert", contentType: storage.CardConnector, content: connectorCard,
			wantText: []string{"Alert: gateway GW-4711 offline", "GW-4711 offline since 09:30", "The IoT gateway stopped reporting.", "Monitoring", "Shanghai plant",
				"Severity raised by the on-call rule", "Severity Critical", "Error code E-1042", "Check power and uplink first.", "Acknowledge", "View alert Comment"},
			notText:  []string{"monitor.example.com", "logo.png", "Your comment", "D70000", "schema.org"},
			wantSafe: []string{"<strong>IoT gateway</strong>", "<em>on-call</em>", "<th>Severity</th><td>Critical</td>", `<a href="https://monitor.example.com/alerts/4711"`, "<span>Acknowledge</span>"},
			banned:   []string{"<img", "logo.png", "graph.png", "ack/1"},
		},
		{
			name: "adaptive: hostile", contentType: storage.CardAdaptive, content: hostileCard,
			wantText: []string{"<script>alert(1)</script><img src=[link] onerror=alert(2)> click bold", "run", "Open <i>me</i> data creds"},
			notText:  []string{"evil.example", "track.gif"},
			wantSafe: []string{"&lt;script&gt;", "<span>Open &lt;i&gt;me&lt;/i&gt;</span>", "<span>data</span>", "<span>creds</span>"},
			banned:   []string{"<script", "<img", "<b ", "href=\"javascript", "href=\"data", "user:pw", "track.gif"},
		},
		{
			name: "connector: hostile", contentType: storage.CardConnector, content: hostileConnector,
			wantText: []string{"Alert", "x", "styled", "n ok", "Go"},
			notText:  []string{"alert(", "evil.example", "hosted"},
			banned:   []string{"<img", "<script", "<iframe", "<svg", "style=", "onclick", "onload", "javascript", "evil.example", "/hosted/"},
		},
		{
			name: "malformed JSON", contentType: storage.CardAdaptive, content: `{"type": "AdaptiveCard", "body": [`,
			wantText: []string{"[card]"}, wantSafe: []string{`<div class="teams-card"><p>[card]</p></div>`}, wantErr: true,
		},
		{
			name: "not an object", contentType: storage.CardHero, content: `"just a string"`,
			wantText: []string{"[card]"}, wantErr: true,
		},
		{
			name: "null", contentType: storage.CardConnector, content: `null`,
			wantText: []string{"[card]"}, wantErr: true,
		},
		{
			name: "a card Rapport does not show", contentType: "application/vnd.microsoft.card.codesnippet", content: `{}`,
			wantText: []string{"[card]"}, wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			safe, text, err := Card(tt.contentType, tt.content)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if bad := checkCard(safe); bad != "" {
				t.Errorf("%s survived in:\n%s", bad, safe)
			}
			if text != Text(safe) {
				t.Errorf("text %q is not the text of the safe HTML %q", text, Text(safe))
			}
			for _, w := range tt.wantText {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tt.notText {
				if strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
					t.Errorf("text holds %q:\n%s", w, text)
				}
			}
			for _, w := range tt.wantSafe {
				if !strings.Contains(safe, w) {
					t.Errorf("safe HTML lacks %q:\n%s", w, safe)
				}
			}
			for _, b := range tt.banned {
				if strings.Contains(strings.ToLower(safe), strings.ToLower(b)) {
					t.Errorf("safe HTML holds %q:\n%s", b, safe)
				}
			}
		})
	}
}

func TestCardEmptyAndImagesOnly(t *testing.T) {
	for _, content := range []string{`{}`, `{"type":"AdaptiveCard","body":[{"type":"Image","url":"https://x.example/a.png"}]}`, `{"body": 7, "actions": "x"}`} {
		safe, text, err := Card(storage.CardAdaptive, content)
		if safe != "" || text != "" || err != nil {
			t.Errorf("%s: %q %q %v, want nothing", content, safe, text, err)
		}
	}
}

// TestCardTypes checks that every card whose content the store keeps
// renders.
func TestCardTypes(t *testing.T) {
	minimal := map[string]string{
		storage.CardAdaptive:  `{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"word"}]}`,
		storage.CardHero:      `{"title":"word"}`,
		storage.CardThumbnail: `{"title":"word"}`,
		storage.CardConnector: `{"title":"word"}`,
	}
	for _, ct := range []string{storage.CardAdaptive, storage.CardHero, storage.CardThumbnail, storage.CardConnector} {
		if !storage.IsCard(ct) {
			t.Errorf("%s: the store does not keep it", ct)
		}
		if _, text, err := Card(ct, minimal[ct]); err != nil || text != "word" {
			t.Errorf("%s: %q %v", ct, text, err)
		}
	}
}

// TestCardDepth: nesting deeper than the bound is cut, not followed.
func TestCardDepth(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"AdaptiveCard","body":[`)
	for i := 0; i < 2000; i++ {
		b.WriteString(`{"type":"Container","items":[`)
	}
	b.WriteString(`{"type":"TextBlock","text":"deep"}`)
	for i := 0; i < 2000; i++ {
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	if !json.Valid([]byte(b.String())) {
		t.Fatal("bad fixture")
	}
	if safe, text, err := Card(storage.CardAdaptive, b.String()); err != nil || text != "" || safe != "" {
		t.Errorf("%q %q %v", safe, text, err)
	}
}

// TestTableCellsKeepWordsApart: a fact's name and value (or any two cells)
// stay separate words, in Text and in Extract alike.
func TestTableCellsKeepWordsApart(t *testing.T) {
	raw := `<table><tr><th>Priority</th><td>High</td></tr><tr><td>Status<td>Open</tr></table>`
	safe, text := Message(raw, false, opts)
	if text != "Priority High\nStatus Open" {
		t.Errorf("Text %q (from %s)", text, safe)
	}
	if got := strings.Join(strings.Fields(Extract(raw, false).Text), " "); got != "Priority High Status Open" {
		t.Errorf("Extract %q", got)
	}
}

// checkCard is checkSafe for card output: also no images at all, and only
// https links.
func checkCard(safe string) string {
	if bad := checkSafe(safe); bad != "" {
		return bad
	}
	if strings.Contains(strings.ToLower(safe), "<img") {
		return "an image"
	}
	if strings.Contains(strings.ToLower(safe), `href="`) && strings.Count(strings.ToLower(safe), `href="https://`) != strings.Count(strings.ToLower(safe), `href="`) {
		return "a link that is not https"
	}
	return ""
}

// FuzzCard checks that no card content yields markup outside the policy,
// and that the text is always the safe HTML's text.
func FuzzCard(f *testing.F) {
	for _, s := range []string{dynamicsCard, richCard, heroCard, connectorCard, hostileCard, hostileConnector, `{`, `[]`, `{"body":[{"type":"TextBlock","text":"[a](https://x/<script>)"}]}`} {
		f.Add(0, s)
		f.Add(3, s)
	}
	types := []string{storage.CardAdaptive, storage.CardHero, storage.CardThumbnail, storage.CardConnector}
	f.Fuzz(func(t *testing.T, kind int, content string) {
		ct := types[(kind%len(types)+len(types))%len(types)]
		safe, text, _ := Card(ct, content)
		if bad := checkCard(safe); bad != "" {
			t.Fatalf("%s survived in %q (from %q)", bad, safe, content)
		}
		if text != Text(safe) {
			t.Fatalf("text %q is not the safe HTML's %q", text, Text(safe))
		}
	})
}
