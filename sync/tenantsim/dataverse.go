package tenantsim

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The Dataverse side: a small row store per entity set with version
// numbers (etags and change tracking) and tombstones for deletions.

const dataversePrefix = "/dataverse/api/data/v9.2"

// entitySet describes one table.
type entitySet struct {
	name    string // entity set, e.g. "incidents"
	logical string // logical name, e.g. "incident"
	key     string // primary key column
	rows    map[string]Row
	deleted []tombstone
}

// Row is one Dataverse row: column name to JSON value.
type Row map[string]any

type tombstone struct {
	id      string
	version int64
}

type dataverse struct {
	version  int64 // the organisation's row version counter
	sets     map[string]*entitySet
	denied   map[string]bool // entity sets the user may not create rows in
	tickets  int             // case numbers handed out to cases created through the API
	articles int             // article numbers handed out to articles created through the API
	orgID    string
	buID     string
}

// currencyOf is the currency a customer's deals are in, by its language.
var currencyOf = map[Lang]struct{ code, name, symbol string }{
	LangZH: {"CNY", "Chinese Yuan Renminbi", "¥"},
	LangEN: {"USD", "US Dollar", "$"},
	LangFR: {"EUR", "Euro", "€"},
}

var entitySets = []struct{ name, logical, key string }{
	{"accounts", "account", "accountid"},
	{"contacts", "contact", "contactid"},
	{"incidents", "incident", "incidentid"},
	{"opportunities", "opportunity", "opportunityid"},
	{"knowledgearticles", "knowledgearticle", "knowledgearticleid"},
	{"transactioncurrencies", "transactioncurrency", "transactioncurrencyid"},
	{"systemusers", "systemuser", "systemuserid"},
	{"chats", "chat", "activityid"},
	{"tasks", "task", "activityid"},
	{"annotations", "annotation", "annotationid"},
}

func newDataverse(w *World) *dataverse {
	d := &dataverse{sets: map[string]*entitySet{}, orgID: guid(w.Seed, "org"), buID: guid(w.Seed, "bu")}
	for _, e := range entitySets {
		d.sets[e.name] = &entitySet{name: e.name, logical: e.logical, key: e.key, rows: map[string]Row{}}
	}
	seedDataverse(d, w)
	return d
}

// put stores row under a new version.
func (d *dataverse) put(set string, row Row) Row {
	e := d.sets[set]
	d.version++
	row["versionnumber"] = d.version
	row["@odata.etag"] = fmt.Sprintf("W/\"%d\"", d.version)
	e.rows[row[e.key].(string)] = row
	return row
}

// update stores a new version of row with cols changed; the key, the
// version and annotations cannot be set this way.
func (d *dataverse) update(set string, row, cols Row, now time.Time) {
	e := d.sets[set]
	next := Row{}
	for k, v := range row {
		next[k] = v
	}
	for k, v := range cols {
		if k == e.key || k == "versionnumber" || strings.HasPrefix(k, "@") {
			continue
		}
		next[k] = v
	}
	next["modifiedon"] = dvTime(now)
	d.put(set, next)
}

func (d *dataverse) del(set, id string) bool {
	e := d.sets[set]
	if _, ok := e.rows[id]; !ok {
		return false
	}
	delete(e.rows, id)
	d.version++
	e.deleted = append(e.deleted, tombstone{id, d.version})
	return true
}

func dvTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// SystemUserID is the Dataverse systemuserid of a directory user.
func (w *World) SystemUserID(userID string) string { return guid(w.Seed, "systemuser", userID) }

// CaseID is the incidentid of a case number.
func (w *World) CaseID(ticket string) string { return guid(w.Seed, "incident", ticket) }

// currencyID is the transactioncurrencyid of an ISO currency code.
func (w *World) currencyID(code string) string { return guid(w.Seed, "currency", code) }

var caseTitles = map[Lang][]string{
	LangZH: {"%s 设备报警无法消除", "%s 第二期付款发票有误", "%s 系统登录失败", "%s 交付延期需确认新时间", "%s 报表数据不一致", "%s 合同续约条款确认"},
	LangEN: {"%s alarm cannot be cleared", "%s invoice for second instalment incorrect", "%s login failures", "%s delivery slot to reconfirm", "%s report totals mismatch", "%s renewal terms to confirm"},
	LangFR: {"%s : alarme impossible à acquitter", "%s : facture de la deuxième échéance erronée", "%s : échecs de connexion", "%s : créneau de livraison à reconfirmer", "%s : écarts dans les rapports", "%s : conditions de renouvellement"},
}

// caseTitleTopics says what each of caseTitles is about (the same in every
// language).
var caseTitleTopics = []msgTopic{topicFault, topicPayment, topicFault, topicDelivery, topicFault, topicContract}

// caseFields are a generated case's fields as Dataverse first holds them.
type caseFields struct {
	Ticket, Title                   string
	TitleIndex                      int // into caseTitles[lang]
	Priority, State, Status, Origin int // prioritycode, statecode, statuscode, caseorigincode
}

// caseFacts derives case k of customer c: the incidents row, and the case
// cards the Dynamics 365 app posts about it.
func (w *World) caseFacts(c *Customer, k int) caseFields {
	titles := caseTitles[c.Lang]
	f := caseFields{Ticket: c.Cases[k], TitleIndex: (c.Index + k) % len(titles)}
	f.Title = fmt.Sprintf(titles[f.TitleIndex], c.Short)
	r := rng(w.Seed, "case-row", f.Ticket)
	f.State, f.Status = 0, []int{1, 2, 3, 4}[r.IntN(4)]
	if r.IntN(3) == 0 {
		f.State, f.Status = 1, 5 // resolved, problem solved
	}
	f.Priority = 1 + r.IntN(3)
	f.Origin = 1 + r.IntN(3)
	return f
}

var opportunityNames = map[Lang][]string{
	LangZH: {"%s 二期扩容", "%s 年度维保续约", "%s 新产线部署"},
	LangEN: {"%s phase 2 expansion", "%s annual support renewal", "%s new site rollout"},
	LangFR: {"%s extension phase 2", "%s renouvellement du support annuel", "%s déploiement nouveau site"},
}

var articleTitles = []struct {
	lang  Lang
	title string
}{
	{LangZH, "如何重置 MES 登录密码"}, {LangZH, "设备报警代码对照表"}, {LangZH, "发票开具与对账流程说明"},
	{LangZH, "冷链监控平台常见问题"}, {LangZH, "IoT 网关离线排查步骤"}, {LangZH, "版本升级注意事项"},
	{LangZH, "付款方式与账期说明"}, {LangZH, "数据导出为 Excel 的方法"},
	{LangEN, "Resetting a user's password"}, {LangEN, "Alarm code reference"}, {LangEN, "Invoice and statement process"},
	{LangEN, "Troubleshooting offline gateways"},
	{LangFR, "Réinitialiser un mot de passe"}, {LangFR, "Codes d’alarme : référence"}, {LangFR, "Processus de facturation"},
}

func seedDataverse(d *dataverse, w *World) {
	// The organisation's currencies: each customer's deals are in its
	// country's (Dataverse keeps a money column's currency in the record's
	// transactioncurrencyid lookup).
	for _, l := range []Lang{LangZH, LangEN, LangFR} {
		c := currencyOf[l]
		d.put("transactioncurrencies", Row{"transactioncurrencyid": w.currencyID(c.code), "isocurrencycode": c.code,
			"currencyname": c.name, "currencysymbol": c.symbol, "currencyprecision": 2, "statecode": 0, "modifiedon": dvTime(w.Start)})
	}
	at := func(k ...any) string {
		return dvTime(w.Start.Add(time.Duration(hash64(w.Seed, k...)%uint64(span/time.Hour)) * time.Hour))
	}
	for _, u := range w.Users {
		if u.Customer >= 0 {
			continue
		}
		d.put("systemusers", Row{"systemuserid": w.SystemUserID(u.ID), "fullname": u.DisplayName, "internalemailaddress": u.Mail,
			"azureactivedirectoryobjectid": u.ID, "isdisabled": false, "title": u.JobTitle, "modifiedon": at("su", u.ID)})
	}
	for _, c := range w.Customers {
		owner := w.SystemUserID(c.Owner.ID)
		category := 2
		if c.Tier == TierVIP {
			category = 1
		}
		var primary any
		if len(c.Contacts) > 0 {
			primary = guid(w.Seed, "contact", c.Contacts[0].ID)
		}
		d.put("accounts", Row{"accountid": c.AccountID, "name": c.Name, "accountnumber": fmt.Sprintf("ACC-%05d", 10001+c.Index),
			"telephone1": fmt.Sprintf("+86 21 %04d %04d", 5000+c.Index, 1000+c.Index*7), "emailaddress1": "info@" + c.Domain,
			"websiteurl": "https://www." + c.Domain, "address1_city": c.City, "accountcategorycode": category,
			"description": c.Industry + " · " + c.Product, "_primarycontactid_value": primary, "_ownerid_value": owner,
			"statecode": 0, "createdon": dvTime(w.Start.Add(-400 * 24 * time.Hour)), "modifiedon": at("acc", c.Index)})
		for _, u := range c.Contacts {
			d.put("contacts", Row{"contactid": guid(w.Seed, "contact", u.ID), "fullname": u.DisplayName, "firstname": u.GivenName,
				"lastname": u.Surname, "emailaddress1": u.Mail, "jobtitle": u.JobTitle, "telephone1": nil,
				"_parentcustomerid_value": c.AccountID, "_ownerid_value": owner, "statecode": 0, "modifiedon": at("contact", u.ID)})
		}
		for k, ticket := range c.Cases {
			cs := w.caseFacts(c, k)
			var contact any
			if len(c.Contacts) > 0 {
				contact = guid(w.Seed, "contact", c.Contacts[k%len(c.Contacts)].ID)
			}
			d.put("incidents", Row{"incidentid": w.CaseID(ticket), "title": cs.Title,
				"ticketnumber": ticket, "description": c.Product, "prioritycode": cs.Priority, "statecode": cs.State, "statuscode": cs.Status,
				"caseorigincode": cs.Origin, "_customerid_value": c.AccountID, "_primarycontactid_value": contact,
				"_ownerid_value": owner, "createdon": at("case-created", ticket), "modifiedon": at("case", ticket)})
		}
		names := opportunityNames[c.Lang]
		for k := 0; k < 1+int(hash64(w.Seed, "opps", c.Index)%3); k++ {
			d.put("opportunities", Row{"opportunityid": guid(w.Seed, "opportunity", c.Index, k), "name": fmt.Sprintf(names[k%len(names)], c.Short),
				"_transactioncurrencyid_value": w.currencyID(currencyOf[c.Lang].code),
				"estimatedvalue":               float64(50000 + hash64(w.Seed, "oppv", c.Index, k)%950000), "estimatedclosedate": dvTime(w.End.Add(time.Duration(30+k*45) * 24 * time.Hour))[:10],
				"stepname": []string{"1-Qualify", "2-Develop", "3-Propose", "4-Close"}[(c.Index+k)%4], "statecode": 0,
				"_parentaccountid_value": c.AccountID, "_customerid_value": c.AccountID, "_ownerid_value": owner, "modifiedon": at("opp", c.Index, k)})
		}
	}
	for k, a := range articleTitles {
		d.put("knowledgearticles", Row{"knowledgearticleid": guid(w.Seed, "article", k), "title": a.title,
			"articlepublicnumber": fmt.Sprintf("KA-%05d", 1001+k), "description": a.title, "content": "<p>" + a.title + "</p>",
			"keywords": string(a.lang), "languagelocaleid": map[Lang]int{LangZH: 2052, LangEN: 1033, LangFR: 1036}[a.lang],
			"isrootarticle": false, "islatestversion": true, "statecode": 3, "modifiedon": at("ka", k)})
	}
	// Group chats are linked to their customer's account, as account
	// managers do from Dynamics 365.
	for _, ch := range w.Chats {
		if ch.ChatType != "group" || ch.Customer < 0 {
			continue
		}
		c := w.Customers[ch.Customer]
		d.put("chats", Row{"activityid": guid(w.Seed, "chatlink", ch.ID), "subject": ch.Topic, "teamschatid": ch.ID,
			"_regardingobjectid_value": c.AccountID, "regardingobjecttypecode": "account",
			"_linkedby_value": w.SystemUserID(c.Owner.ID), "linkedon": dvTime(ch.Created.Add(24 * time.Hour)),
			"statecode": 0, "statuscode": 1, "modifiedon": dvTime(ch.Created.Add(24 * time.Hour))})
	}
	// Handover chats are linked to their case by the case's owner.
	for _, ch := range w.Handovers {
		c := w.Customers[ch.Customer]
		d.put("chats", Row{"activityid": guid(w.Seed, "chatlink", ch.ID), "subject": ch.Topic, "teamschatid": ch.ID,
			"_regardingobjectid_value": w.CaseID(ch.Case), "regardingobjecttypecode": "incident",
			"_linkedby_value": w.SystemUserID(c.Owner.ID), "linkedon": dvTime(ch.Created.Add(time.Hour)),
			"statecode": 0, "statuscode": 1, "modifiedon": dvTime(ch.Created.Add(time.Hour))})
	}
}

// ---- HTTP ----

func dvError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	w.Header().Set("OData-Version", "4.0")
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func (s *Server) dataverseRoutes(mux *http.ServeMux) {
	mux.HandleFunc(dataversePrefix+"/", s.dataverseHandler)
}

var keyRE = regexp.MustCompile(`^([a-z_]+)\(([0-9a-fA-F-]{36})\)$`)

func (s *Server) dataverseHandler(w http.ResponseWriter, r *http.Request) {
	g, ok := s.authenticate(w, r, s.dataverseResource(), dvError)
	if !ok {
		return
	}
	if !slices.Contains(g.scopes, "user_impersonation") {
		dvError(w, r, 403, "0x80040220", "Principal user is missing prvRead privilege.")
		return
	}
	w.Header().Set("OData-Version", "4.0")
	path := strings.TrimPrefix(r.URL.Path, dataversePrefix+"/")
	if path == "WhoAmI" {
		writeJSON(w, 200, map[string]any{"@odata.context": s.dataverseResource() + "/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
			"BusinessUnitId": s.t.dv.buID, "UserId": s.t.w.SystemUserID(g.userID), "OrganizationId": s.t.dv.orgID})
		return
	}
	if path == "JoinLinkedChat" {
		if r.Method != http.MethodPost {
			dvError(w, r, 405, "0x8006088a", "JoinLinkedChat is an action: POST it.")
			return
		}
		s.joinLinkedChat(w, r, g)
		return
	}
	if m := keyRE.FindStringSubmatch(path); m != nil {
		s.dvRow(w, r, g, m[1], strings.ToLower(m[2]))
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.dvList(w, r, path)
	case http.MethodPost:
		s.dvCreate(w, r, g, path)
	default:
		dvError(w, r, 405, "0x8006088a", "Method not allowed on a collection.")
	}
}

func (s *Server) set(w http.ResponseWriter, r *http.Request, name string) *entitySet {
	e, ok := s.t.dv.sets[name]
	if !ok {
		dvError(w, r, 404, "0x8006088a", fmt.Sprintf("Resource not found for the segment '%s'.", name))
	}
	return e
}

func preferValue(r *http.Request, name string) (string, bool) {
	for _, h := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(h, ",") {
			p = strings.TrimSpace(p)
			if p == name {
				return "", true
			}
			if v, ok := strings.CutPrefix(p, name+"="); ok {
				return v, true
			}
		}
	}
	return "", false
}

func project(row Row, sel []string, key string) Row {
	if len(sel) == 0 {
		return row
	}
	out := Row{"@odata.etag": row["@odata.etag"], key: row[key]}
	for _, f := range sel {
		if v, ok := row[f]; ok {
			out[f] = v
		}
	}
	return out
}

// dvFilter is the subset of OData $filter the simulator understands:
// clauses "col eq 'x'", "col eq 123", "col eq <guid>", "col gt|lt <date>"
// joined by "and".
func dvFilter(f string) (func(Row) bool, error) {
	if f == "" {
		return func(Row) bool { return true }, nil
	}
	var preds []func(Row) bool
	for _, clause := range strings.Split(f, " and ") {
		parts := strings.SplitN(strings.TrimSpace(clause), " ", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("could not parse $filter clause %q", clause)
		}
		col, op, lit := parts[0], parts[1], strings.Trim(parts[2], "'")
		switch op {
		case "eq", "ne":
			preds = append(preds, func(r Row) bool { return (fmt.Sprint(r[col]) == lit) == (op == "eq") })
		case "gt", "lt", "ge", "le":
			preds = append(preds, func(r Row) bool {
				v := fmt.Sprint(r[col])
				c := strings.Compare(v, lit)
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					if m, err := strconv.ParseFloat(lit, 64); err == nil {
						c = map[bool]int{true: -1, false: 1}[n < m]
						if n == m {
							c = 0
						}
					}
				}
				return map[string]bool{"gt": c > 0, "lt": c < 0, "ge": c >= 0, "le": c <= 0}[op]
			})
		default:
			return nil, fmt.Errorf("operator %q is not supported", op)
		}
	}
	return func(r Row) bool {
		for _, p := range preds {
			if !p(r) {
				return false
			}
		}
		return true
	}, nil
}

type dvToken struct {
	Pos     int   `json:"p"`
	Since   int64 `json:"s"` // change tracking: versions after this
	Through int64 `json:"t"`
	Track   bool  `json:"k"`
}

// dvList lists a set with paging (Prefer: odata.maxpagesize) and change
// tracking (Prefer: odata.track-changes, $deltatoken).
func (s *Server) dvList(w http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	pageSize := 5000
	if v, ok := preferValue(r, "odata.maxpagesize"); ok {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n < 5000 {
			pageSize = n
		}
		w.Header().Add("Preference-Applied", "odata.maxpagesize="+strconv.Itoa(pageSize))
	}
	_, track := preferValue(r, "odata.track-changes")
	var tok dvToken
	if v := q.Get("$skiptoken"); v != "" {
		p, err := decodeDVToken(v)
		if err != nil {
			dvError(w, r, 400, "0x80060888", "The $skiptoken is invalid.")
			return
		}
		tok = p
	}
	if v := q.Get("$deltatoken"); v != "" {
		p, err := decodeDVToken(v)
		if err != nil {
			dvError(w, r, 400, "0x80060888", "The $deltatoken is invalid or expired; resynchronise.")
			return
		}
		tok, track = p, true
		tok.Pos, tok.Through = 0, 0
	}
	if track || tok.Track {
		for _, o := range []string{"$filter", "$orderby", "$top", "$expand"} {
			if q.Get(o) != "" {
				dvError(w, r, 400, "0x80060888", fmt.Sprintf("The query parameter %s is not supported with change tracking.", o))
				return
			}
		}
		tok.Track = true
		w.Header().Add("Preference-Applied", "odata.track-changes")
	}
	pred, err := dvFilter(q.Get("$filter"))
	if err != nil {
		dvError(w, r, 400, "0x80060888", err.Error())
		return
	}
	var sel []string
	if v := q.Get("$select"); v != "" {
		sel = strings.Split(v, ",")
	}
	s.t.mu.Lock()
	e := s.set(w, r, name)
	if e == nil {
		s.t.mu.Unlock()
		return
	}
	if tok.Through == 0 {
		tok.Through = s.t.dv.version
	}
	var rows []Row
	for _, row := range e.rows {
		v := row["versionnumber"].(int64)
		if tok.Track && (v <= tok.Since || v > tok.Through) {
			continue
		}
		if pred(row) {
			rows = append(rows, row)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i]["versionnumber"].(int64) < rows[j]["versionnumber"].(int64) })
	var items []any
	for _, row := range rows {
		items = append(items, project(row, sel, e.key))
	}
	if tok.Track && tok.Since > 0 {
		for _, d := range e.deleted {
			if d.version > tok.Since && d.version <= tok.Through {
				items = append(items, map[string]any{"@odata.context": s.dataverseResource() + "/api/data/v9.2/$metadata#" + name + "/$deletedEntity", "id": d.id, "reason": "deleted"})
			}
		}
	}
	if top, err := strconv.Atoi(q.Get("$top")); err == nil && top < len(items) {
		items = items[:top]
	}
	s.t.mu.Unlock()
	ctx := s.dataverseResource() + "/api/data/v9.2/$metadata#" + name
	if len(sel) > 0 {
		ctx += "(" + strings.Join(sel, ",") + ")"
	}
	if tok.Track {
		ctx += "/$delta"
	}
	end := min(len(items), tok.Pos+pageSize)
	out := map[string]any{"@odata.context": ctx, "value": orEmpty(items[min(tok.Pos, len(items)):end])}
	if q.Get("$count") == "true" {
		out["@odata.count"] = min(len(items), 5000)
	}
	nq := url.Values{}
	for k, v := range q {
		if k != "$skiptoken" && k != "$deltatoken" {
			nq[k] = v
		}
	}
	if end < len(items) {
		nt := tok
		nt.Pos = end
		nq.Set("$skiptoken", encodeDVToken(nt))
		out["@odata.nextLink"] = s.base() + r.URL.Path + "?" + nq.Encode()
	} else if tok.Track {
		nq.Set("$deltatoken", encodeDVToken(dvToken{Since: tok.Through, Track: true}))
		out["@odata.deltaLink"] = s.base() + r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(w, 200, out)
}

// Dataverse tokens look like its paging cookies.
func encodeDVToken(t dvToken) string {
	return fmt.Sprintf(`<cookie pagenumber="%d" pos="%d" since="%d" through="%d" istracking="%t" />`, t.Pos/1+1, t.Pos, t.Since, t.Through, t.Track)
}

var dvTokenRE = regexp.MustCompile(`^<cookie pagenumber="\d+" pos="(\d+)" since="(\d+)" through="(\d+)" istracking="(true|false)" />$`)

func decodeDVToken(s string) (dvToken, error) {
	m := dvTokenRE.FindStringSubmatch(s)
	if m == nil {
		return dvToken{}, fmt.Errorf("malformed token")
	}
	pos, _ := strconv.Atoi(m[1])
	since, _ := strconv.ParseInt(m[2], 10, 64)
	through, _ := strconv.ParseInt(m[3], 10, 64)
	return dvToken{Pos: pos, Since: since, Through: through, Track: m[4] == "true"}, nil
}

// dvRow serves GET, PATCH and DELETE on one row with etag rules.
func (s *Server) dvRow(w http.ResponseWriter, r *http.Request, g *grant, name, id string) {
	var patch Row
	if r.Method == http.MethodPatch {
		if err := decodeBody(r, &patch); err != nil {
			dvError(w, r, 400, "0x80048d19", "Error identified in Payload provided by the user: "+err.Error())
			return
		}
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	e := s.set(w, r, name)
	if e == nil {
		return
	}
	row, ok := e.rows[id]
	if !ok {
		dvError(w, r, 404, "0x80040217", fmt.Sprintf("%s With Id = %s Does Not Exist", e.logical, id))
		return
	}
	etag := row["@odata.etag"].(string)
	if m := r.Header.Get("If-Match"); m != "" && m != "*" && m != etag {
		dvError(w, r, 412, "0x80060882", "The version of the existing record doesn't match the RowVersion property provided.")
		return
	}
	switch r.Method {
	case http.MethodGet:
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var sel []string
		if v := r.URL.Query().Get("$select"); v != "" {
			sel = strings.Split(v, ",")
		}
		out := Row{"@odata.context": s.dataverseResource() + "/api/data/v9.2/$metadata#" + name + "/$entity"}
		for k, v := range project(row, sel, e.key) {
			out[k] = v
		}
		writeJSON(w, 200, out)
	case http.MethodPatch:
		s.t.dv.update(name, row, patch, s.t.now())
		w.WriteHeader(http.StatusNoContent)
	case http.MethodDelete:
		s.t.dv.del(name, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		dvError(w, r, 405, "0x8006088a", "Method not allowed.")
	}
}

var bindValueRE = regexp.MustCompile(`^/?([a-z_]+)\(([0-9a-fA-F-]{36})\)$`)

// navProp is a single-valued navigation property a create may bind: the
// lookup column it sets, the column naming the target's type (for
// polymorphic lookups), and the logical name of the table it points at.
type navProp struct {
	col, typeCol, target string
}

// navProps are the navigation properties of each table's creates, as
// Dataverse declares them (regarding lookups, a note's object, a case's
// customer and primary contact).
func navProps(set, nav string) (navProp, bool) {
	regarding := map[string]bool{"account": true, "contact": true, "incident": true, "opportunity": true, "knowledgearticle": true}
	switch set {
	case "chats", "tasks":
		suffix := "_chat"
		if set == "tasks" {
			suffix = "_task"
		}
		if l, ok := strings.CutPrefix(nav, "regardingobjectid_"); ok {
			if l, ok = strings.CutSuffix(l, suffix); ok && regarding[l] {
				return navProp{"regardingobjectid", "regardingobjecttypecode", l}, true
			}
		}
	case "annotations":
		if l, ok := strings.CutPrefix(nav, "objectid_"); ok && regarding[l] {
			return navProp{"objectid", "objecttypecode", l}, true
		}
	case "incidents":
		switch nav {
		case "customerid_account":
			return navProp{"customerid", "", "account"}, true
		case "customerid_contact":
			return navProp{"customerid", "", "contact"}, true
		case "primarycontactid":
			return navProp{"primarycontactid", "", "contact"}, true
		}
	}
	return navProp{}, false
}

// createPrivilege names the privilege a create in a table needs
// (activities share prvCreateActivity; notes are prvCreateNote).
func createPrivilege(set string) string {
	switch set {
	case "tasks", "chats":
		return "prvCreateActivity"
	case "annotations":
		return "prvCreateNote"
	}
	e := strings.TrimSuffix(set, "s")
	return "prvCreate" + strings.ToUpper(e[:1]) + e[1:]
}

// dvCreate creates a row. The client may give the primary key, so that a
// retried create is idempotent: a duplicate key answers 412 under
// If-None-Match: * and 409 otherwise, as Dataverse does. Lookups are set
// through their navigation properties (@odata.bind); a case needs its
// customer (an account or a contact, not both) and gets its case number.
func (s *Server) dvCreate(w http.ResponseWriter, r *http.Request, g *grant, name string) {
	var body Row
	if err := decodeBody(r, &body); err != nil {
		dvError(w, r, 400, "0x80048d19", "Error identified in Payload provided by the user: "+err.Error())
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	e := s.set(w, r, name)
	if e == nil {
		return
	}
	me := s.t.w.SystemUserID(g.userID)
	if s.t.dv.denied[name] {
		priv := createPrivilege(name)
		dvError(w, r, 403, "0x80040220", fmt.Sprintf("Principal user (Id=%s, type=8, roleCount=1, privilegeName=%s, privilegeId=%s, accessRightMask=32) is missing %s privilege (Id=%s) on OTC=%s for entity '%s'.",
			me, priv, guid(0, "priv", priv), priv, guid(0, "priv", priv), e.logical, e.logical))
		return
	}
	row := Row{}
	customers := 0
	for k, v := range body {
		if nav, ok := strings.CutSuffix(k, "@odata.bind"); ok {
			np, ok := navProps(name, nav)
			if !ok {
				dvError(w, r, 400, "0x80060888", fmt.Sprintf("An undeclared property '%s' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.", nav))
				return
			}
			m := bindValueRE.FindStringSubmatch(fmt.Sprint(v))
			if m == nil {
				dvError(w, r, 400, "0x80048d19", fmt.Sprintf("Invalid @odata.bind value %q.", v))
				return
			}
			target, ok := s.t.dv.sets[m[1]]
			if ok && target.logical != np.target {
				dvError(w, r, 400, "0x80048d19", fmt.Sprintf("Error identified in Payload provided by the user for Entity :'%s': %s binds a %s, not %s.", e.logical, nav, np.target, m[1]))
				return
			}
			if !ok || target.rows[strings.ToLower(m[2])] == nil {
				dvError(w, r, 404, "0x80040217", fmt.Sprintf("%s With Id = %s Does Not Exist", np.target, m[2]))
				return
			}
			if np.col == "customerid" {
				customers++
			}
			if np.typeCol != "" {
				row[np.typeCol] = target.logical
			}
			row["_"+np.col+"_value"] = strings.ToLower(m[2])
			continue
		}
		row[k] = v
	}
	if name == "incidents" && customers == 0 {
		dvError(w, r, 400, "0x80044410", "You should specify a parent contact or account.")
		return
	}
	if name == "incidents" && customers > 1 {
		dvError(w, r, 400, "0x8004440f", "You can either specify a parent contact or account, but not both.")
		return
	}
	if name == "knowledgearticles" && !validArticle(w, r, row) {
		return
	}
	id, _ := row[e.key].(string)
	if id == "" {
		id = guid(time.Now().UnixNano(), "row", name)
	}
	id = strings.ToLower(id)
	row[e.key] = id
	if _, exists := e.rows[id]; exists {
		if r.Header.Get("If-None-Match") == "*" {
			dvError(w, r, 412, "0x80060882", "A record with matching key values already exists.")
			return
		}
		dvError(w, r, 409, "0x80040237", "Cannot insert duplicate key.")
		return
	}
	now := dvTime(s.t.now())
	row["createdon"], row["modifiedon"] = now, now
	if _, ok := row["_ownerid_value"]; !ok && name != "chats" {
		row["_ownerid_value"] = me
	}
	defaults := func(cols Row) {
		for k, v := range cols {
			if _, ok := row[k]; !ok {
				row[k] = v
			}
		}
	}
	switch name {
	case "chats":
		row["linkedon"] = now
		row["_linkedby_value"] = me
		row["statecode"], row["statuscode"] = 0, 1
	case "incidents":
		s.t.dv.tickets++
		row["ticketnumber"] = fmt.Sprintf("CAS-%05d-%s", 90000+s.t.dv.tickets, strings.ToUpper(hex32(s.t.w.Seed, "created-case", id)[:6]))
		defaults(Row{"statecode": 0, "statuscode": 1, "prioritycode": 2, "caseorigincode": 3})
	case "knowledgearticles":
		// The state sent is ignored: an article starts as a Draft
		// (statecode 0, statuscode 2) and is published in Dynamics.
		row["statecode"], row["statuscode"] = 0, 2
		s.t.dv.articles++
		row["articlepublicnumber"] = fmt.Sprintf("KA-%05d", 1001+len(articleTitles)+s.t.dv.articles-1)
		defaults(Row{"isrootarticle": false, "islatestversion": true, "majorversionnumber": 1, "minorversionnumber": 0})
	case "tasks":
		row["activitytypecode"] = "task"
		defaults(Row{"statecode": 0, "statuscode": 2, "prioritycode": 1})
	case "annotations":
		body, _ := row["documentbody"].(string)
		row["isdocument"] = body != ""
		if body != "" {
			row["filesize"] = len(body) * 3 / 4
		}
	}
	row = s.t.dv.put(name, row)
	loc := s.dataverseResource() + "/api/data/v9.2/" + name + "(" + id + ")"
	w.Header().Set("OData-EntityId", loc)
	if _, ok := preferValue(r, "return"); ok {
		writeJSON(w, 201, row)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// DenyCreate takes away (or gives back) the user's privilege to create
// rows in an entity set: creates there answer 403, as Dataverse does
// for a missing privilege.
func (t *Tenant) DenyCreate(set string, deny bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dv.denied == nil {
		t.dv.denied = map[string]bool{}
	}
	t.dv.denied[set] = deny
}

// Rows returns a copy of the rows of an entity set (ground truth).
func (t *Tenant) Rows(set string) []Row {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.dv.sets[set]
	if !ok {
		return nil
	}
	var out []Row
	for _, r := range e.rows {
		c := Row{}
		for k, v := range r {
			c[k] = v
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i][e.key]) < fmt.Sprint(out[j][e.key]) })
	return out
}

// UpdateRow changes columns of a row as another Dynamics user would.
func (t *Tenant) UpdateRow(set, id string, cols Row) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.dv.sets[set]
	if !ok {
		return fmt.Errorf("no entity set %s", set)
	}
	row, ok := e.rows[strings.ToLower(id)]
	if !ok {
		return fmt.Errorf("%s(%s) does not exist", set, id)
	}
	t.dv.update(set, row, cols, t.now())
	return nil
}

// DeleteRow deletes a row as another Dynamics user would.
func (t *Tenant) DeleteRow(set, id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.dv.sets[set]; !ok || !t.dv.del(set, strings.ToLower(id)) {
		return fmt.Errorf("%s(%s) does not exist", set, id)
	}
	return nil
}

// validArticle checks a knowledge article's columns as Dataverse does:
// a title (at most 4,000 characters) and a description of at most 155.
func validArticle(w http.ResponseWriter, r *http.Request, row Row) bool {
	title, _ := row["title"].(string)
	if strings.TrimSpace(title) == "" {
		dvError(w, r, 400, "0x80040203", "Required field 'title' is missing.")
		return false
	}
	for col, max := range map[string]int{"title": 4000, "description": 155} {
		if v, _ := row[col].(string); utf8.RuneCountInString(v) > max {
			dvError(w, r, 400, "0x80044331", fmt.Sprintf("A validation error occurred. The length of the '%s' attribute of the 'knowledgearticle' entity exceeded the maximum allowed length of '%d'.", col, max))
			return false
		}
	}
	return true
}
