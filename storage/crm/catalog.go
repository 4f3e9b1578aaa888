package crm

//go:generate go test -run TestCatalogueGenerated -args -update-ts

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Field is a column with its English label (the UI translates its key).
type Field struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Set is one Dataverse table Rapport keeps.
type Set struct {
	Name    string `json:"name"`    // entity set, e.g. "incidents"
	Logical string `json:"logical"` // logical name, e.g. "incident"
	Key     string `json:"key"`     // primary id column
	// Columns are the columns sync reads.
	Columns []string `json:"-"`
	// Text are the columns that make up a record's searchable text; the
	// first non-empty one, in order, is its title.
	Text []string `json:"text"`
	// Number is the column people know a record by (a case number), or "".
	Number string `json:"number,omitempty"`
	// Email is the record's e-mail column, or "".
	Email string `json:"email,omitempty"`
	// Linkable: chats can be linked to records of the set in Dynamics.
	Linkable bool `json:"linkable"`
	// Activities: follow-up tasks and notes are made for records of the
	// set (Rapport's choice among the tables they may regard).
	Activities bool `json:"activities,omitempty"`
	// Fields are the columns shown in Records, cards and timelines, with
	// their labels; Card are the default card fields (at most five) and
	// KeyFields the default key fields.
	Fields    []Field  `json:"fields"`
	Card      []string `json:"card"`
	KeyFields []string `json:"keyFields"`
	// Table are the columns the Records view lists.
	Table []string `json:"table"`
	// Money are the columns in the record's currency (CurrencyColumn, a
	// lookup to CurrencySet), as Dataverse keeps money columns.
	Money []string `json:"money,omitempty"`
}

// The chats table (Dynamics' "Teams chat" activity) links chats to records.
const (
	LinkSet           = "chats"
	LinkKey           = "activityid"
	LinkChat          = "teamschatid"
	LinkRecord        = "_regardingobjectid_value"
	LinkRecordType    = "regardingobjecttypecode"
	LinkedOn          = "linkedon"
	LinkedBy          = "_linkedby_value"
	LinkSubject       = "subject"
	FormattedSuffix   = "@OData.Community.Display.V1.FormattedValue"
	UserSet           = "systemusers"
	UserEntraID       = "azureactivedirectoryobjectid"
	UserName          = "fullname"
	OwnerColumn       = "_ownerid_value"
	ModifiedOnColumn  = "modifiedon"
	StateColumn       = "statecode"
	CaseSet           = "incidents"
	CaseNumberColumn  = "ticketnumber"
	TaskSet           = "tasks"                        // follow-up tasks (an activity regarding a record)
	NoteSet           = "annotations"                  // notes (regarding a record through objectid)
	CurrencySet       = "transactioncurrencies"        // the organisation's currencies
	CurrencyColumn    = "_transactioncurrencyid_value" // a record's currency: a lookup to CurrencySet
	CurrencyCode      = "isocurrencycode"              // a currency's ISO 4217 code
	linkBindTemplate  = "regardingobjectid_%s_chat@odata.bind"
	recordURLTemplate = "%s/main.aspx?pagetype=entityrecord&etn=%s&id=%s"
)

// Sets are the tables Rapport keeps, records first, then the users and the
// link rows.
var Sets = []Set{
	{
		Name: "incidents", Logical: "incident", Key: "incidentid", Linkable: true, Activities: true, Number: CaseNumberColumn,
		Columns: []string{"title", "ticketnumber", "description", "prioritycode", "statecode", "statuscode", "_customerid_value", "_primarycontactid_value", "_ownerid_value", "createdon", "modifiedon"},
		Text:    []string{"title", "ticketnumber", "description"},
		Fields: []Field{{"title", "Title"}, {"ticketnumber", "Case number"}, {"prioritycode", "Priority"}, {"statecode", "Status"},
			{"statuscode", "Status reason"}, {"description", "Description"}, {"createdon", "Created on"}, {"modifiedon", "Modified on"}},
		Card:      []string{"title", "ticketnumber", "prioritycode", "statecode", "statuscode"},
		KeyFields: []string{"prioritycode", "statecode", "statuscode"},
		Table:     []string{"ticketnumber", "title", "prioritycode", "statecode"},
	},
	{
		Name: "accounts", Logical: "account", Key: "accountid", Linkable: true, Activities: true, Number: "accountnumber", Email: "emailaddress1",
		Columns: []string{"name", "accountnumber", "telephone1", "emailaddress1", "websiteurl", "address1_city", "accountcategorycode", "_primarycontactid_value", "_ownerid_value", "statecode", "modifiedon"},
		Text:    []string{"name", "accountnumber", "emailaddress1", "websiteurl", "address1_city", "description"},
		Fields: []Field{{"name", "Name"}, {"accountnumber", "Account number"}, {"emailaddress1", "E-mail"}, {"telephone1", "Phone"},
			{"address1_city", "City"}, {"websiteurl", "Website"}, {"accountcategorycode", "Category"}, {"statecode", "Status"}, {"modifiedon", "Modified on"}},
		Card:      []string{"name", "accountnumber", "emailaddress1", "telephone1", "address1_city"},
		KeyFields: []string{"statecode"},
		Table:     []string{"name", "accountnumber", "address1_city", "emailaddress1"},
	},
	{
		Name: "contacts", Logical: "contact", Key: "contactid", Linkable: true, Activities: true, Email: "emailaddress1",
		Columns: []string{"fullname", "firstname", "lastname", "emailaddress1", "jobtitle", "telephone1", "_parentcustomerid_value", "statecode", "modifiedon"},
		Text:    []string{"fullname", "emailaddress1", "jobtitle"},
		Fields: []Field{{"fullname", "Name"}, {"jobtitle", "Job title"}, {"emailaddress1", "E-mail"}, {"telephone1", "Phone"},
			{"statecode", "Status"}, {"modifiedon", "Modified on"}},
		Card:      []string{"fullname", "jobtitle", "emailaddress1", "telephone1"},
		KeyFields: []string{"statecode"},
		Table:     []string{"fullname", "jobtitle", "emailaddress1"},
	},
	{
		Name: "opportunities", Logical: "opportunity", Key: "opportunityid", Linkable: true, Activities: true,
		Columns: []string{"name", "estimatedvalue", "estimatedclosedate", "stepname", "statecode", "_parentaccountid_value", "_customerid_value", CurrencyColumn, "modifiedon"},
		Money:   []string{"estimatedvalue"},
		Text:    []string{"name", "stepname", "description"},
		Fields: []Field{{"name", "Topic"}, {"stepname", "Stage"}, {"estimatedvalue", "Est. revenue"}, {"estimatedclosedate", "Est. close date"},
			{"statecode", "Status"}, {"modifiedon", "Modified on"}},
		Card:      []string{"name", "stepname", "estimatedvalue", "estimatedclosedate"},
		KeyFields: []string{"stepname", "statecode"},
		Table:     []string{"name", "stepname", "estimatedvalue", "statecode"},
	},
	{
		Name: "knowledgearticles", Logical: "knowledgearticle", Key: "knowledgearticleid", Linkable: true, Number: "articlepublicnumber",
		Columns: []string{"title", "articlepublicnumber", "description", "keywords", "statecode", "modifiedon"},
		Text:    []string{"title", "articlepublicnumber", "description", "keywords"},
		Fields: []Field{{"title", "Title"}, {"articlepublicnumber", "Article number"}, {"keywords", "Keywords"}, {"statecode", "Status"},
			{"description", "Description"}, {"modifiedon", "Modified on"}},
		Card:      []string{"title", "articlepublicnumber", "keywords"},
		KeyFields: []string{"statecode"},
		Table:     []string{"articlepublicnumber", "title", "statecode"},
	},
	{
		Name: TaskSet, Logical: "task", Key: "activityid",
		Columns: []string{"subject", "description", "scheduledend", "prioritycode", "statecode", "statuscode", "_regardingobjectid_value", "regardingobjecttypecode", "_ownerid_value", "createdon", "modifiedon"},
		Text:    []string{"subject", "description"},
		Fields: []Field{{"subject", "Subject"}, {"scheduledend", "Due"}, {"prioritycode", "Priority"}, {"statecode", "Status"},
			{"statuscode", "Status reason"}, {"description", "Description"}, {"createdon", "Created on"}, {"modifiedon", "Modified on"}},
		Card:  []string{"subject", "scheduledend", "prioritycode", "statecode"},
		Table: []string{"subject", "scheduledend", "prioritycode", "statecode"},
	},
	{
		Name: NoteSet, Logical: "annotation", Key: "annotationid",
		Columns: []string{"subject", "notetext", "filename", "mimetype", "isdocument", "_objectid_value", "objecttypecode", "_ownerid_value", "createdon", "modifiedon"},
		Text:    []string{"subject", "notetext", "filename"},
		Fields:  []Field{{"subject", "Title"}, {"notetext", "Note"}, {"filename", "File"}, {"createdon", "Created on"}, {"modifiedon", "Modified on"}},
		Card:    []string{"subject", "filename", "createdon"},
		Table:   []string{"subject", "filename", "createdon"},
	},
	{
		Name: CurrencySet, Logical: "transactioncurrency", Key: "transactioncurrencyid",
		Columns: []string{CurrencyCode, "currencyname", "currencysymbol", "currencyprecision", "modifiedon"},
	},
	{
		Name: UserSet, Logical: "systemuser", Key: "systemuserid",
		Columns: []string{"fullname", "internalemailaddress", "azureactivedirectoryobjectid", "modifiedon"},
	},
	{
		Name: LinkSet, Logical: "chat", Key: LinkKey,
		Columns: []string{LinkSubject, LinkChat, LinkRecord, LinkRecordType, LinkedOn, LinkedBy, "statecode", "modifiedon"},
	},
}

// Option is one value of an option set.
type Option struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

// Options are the out-of-box option-set values per set and column, for
// rows that carry no formatted-value annotation.
var Options = map[string]map[string][]Option{
	"incidents": {
		"prioritycode": {{1, "High"}, {2, "Normal"}, {3, "Low"}},
		"statecode":    {{0, "Active"}, {1, "Resolved"}, {2, "Cancelled"}},
		"statuscode": {{1, "In Progress"}, {2, "On Hold"}, {3, "Waiting for Details"}, {4, "Researching"}, {5, "Problem Solved"},
			{1000, "Information Provided"}, {6, "Cancelled"}, {2000, "Merged"}},
	},
	"accounts":          {"statecode": {{0, "Active"}, {1, "Inactive"}}},
	"contacts":          {"statecode": {{0, "Active"}, {1, "Inactive"}}},
	"opportunities":     {"statecode": {{0, "Open"}, {1, "Won"}, {2, "Lost"}}},
	"knowledgearticles": {"statecode": {{0, "Draft"}, {1, "Approved"}, {2, "Scheduled"}, {3, "Published"}, {4, "Expired"}, {5, "Archived"}, {6, "Discarded"}}},
	"tasks": {
		"prioritycode": {{0, "Low"}, {1, "Normal"}, {2, "High"}},
		"statecode":    {{0, "Open"}, {1, "Completed"}, {2, "Canceled"}},
		"statuscode":   {{2, "Not Started"}, {3, "In Progress"}, {4, "Waiting on someone else"}, {5, "Completed"}, {6, "Canceled"}, {7, "Deferred"}},
	},
}

// Rollups are, per set, the child sets whose records roll up under one of
// its records on a timeline, with the lookup column that points at it.
var Rollups = map[string][]Rollup{
	"accounts": {{"contacts", "_parentcustomerid_value"}, {"incidents", "_customerid_value"}, {"opportunities", "_parentaccountid_value"}},
	"contacts": {{"incidents", "_primarycontactid_value"}},
}

// Rollup is a child set and its lookup column.
type Rollup struct {
	Set    string `json:"set"`
	Lookup string `json:"lookup"`
}

// Lookup returns the set named name.
func Lookup(name string) (Set, bool) {
	i := slices.IndexFunc(Sets, func(s Set) bool { return s.Name == name })
	if i < 0 {
		return Set{}, false
	}
	return Sets[i], true
}

// ByLogical returns the set of a logical name ("incident").
func ByLogical(logical string) (Set, bool) {
	i := slices.IndexFunc(Sets, func(s Set) bool { return s.Logical == logical })
	if i < 0 {
		return Set{}, false
	}
	return Sets[i], true
}

// Linkable lists the sets chats can be linked to, in catalogue order.
func Linkable() []Set {
	var out []Set
	for _, s := range Sets {
		if s.Linkable {
			out = append(out, s)
		}
	}
	return out
}

// LinkableNames are Linkable's set names.
func LinkableNames() []string {
	var out []string
	for _, s := range Linkable() {
		out = append(out, s.Name)
	}
	return out
}

// HasActivities reports whether tasks and notes are made for records of
// set.
func HasActivities(set string) bool {
	s, ok := Lookup(set)
	return ok && s.Activities
}

// SetNamed reads a word that names a record type - an entity set, its
// logical name, "case" or "article" (and their plurals), in any case - as
// the set; "" when it names none a chat can be linked to.
func SetNamed(word string) string {
	word = strings.ToLower(strings.TrimSpace(word))
	switch word {
	case "case", "cases":
		return CaseSet
	case "article", "articles":
		return "knowledgearticles"
	}
	if s, ok := Lookup(word); ok && s.Linkable {
		return s.Name
	}
	if s, ok := ByLogical(word); ok && s.Linkable {
		return s.Name
	}
	return ""
}

// IsLinkable reports whether chats can be linked to records of set.
func IsLinkable(set string) bool {
	s, ok := Lookup(set)
	return ok && s.Linkable
}

// Label is a field's English label, or the column name.
func (s Set) Label(field string) string {
	for _, f := range s.Fields {
		if f.Name == field {
			return f.Label
		}
	}
	return field
}

// FieldKey is the UI's translation key of a field's label.
func FieldKey(set, field string) string { return "crm.field." + set + "." + field }

// OptionKey is the UI's translation key of an option-set value's label.
func OptionKey(set, field string, value int) string {
	return fmt.Sprintf("crm.option.%s.%s.%d", set, field, value)
}

// OptionLabel is the English label of an option-set value given as its
// number in text ("1"), or "".
func OptionLabel(set, field, value string) string {
	for _, o := range Options[set][field] {
		if fmt.Sprint(o.Value) == value {
			return o.Label
		}
	}
	return ""
}

// LinkBind is the navigation property that sets a chats row's regarding
// record of logical name, for @odata.bind.
func LinkBind(logical string) string { return fmt.Sprintf(linkBindTemplate, logical) }

// TaskBind is the navigation property that sets a task's regarding
// record of logical name ("regardingobjectid_incident_task").
func TaskBind(logical string) string { return "regardingobjectid_" + logical + "_task@odata.bind" }

// NoteBind is the navigation property that attaches a note to a record of
// logical name ("objectid_incident").
func NoteBind(logical string) string { return "objectid_" + logical + "@odata.bind" }

// CustomerBind is the navigation property that sets a case's customer,
// an account or a contact ("customerid_account").
func CustomerBind(logical string) string { return "customerid_" + logical + "@odata.bind" }

// Bind is an @odata.bind value naming a record: "/set(id)".
func Bind(set, id string) string { return "/" + set + "(" + id + ")" }

// RecordURL is a record's page in Dynamics 365 at org.
func RecordURL(org, set, id string) string {
	s, _ := Lookup(set)
	return fmt.Sprintf(recordURLTemplate, strings.TrimRight(org, "/"), s.Logical, url.QueryEscape(id))
}

// Title is a record's title: the first non-empty of its set's Text columns.
func Title(set string, fields map[string]any) string {
	s, _ := Lookup(set)
	for _, f := range s.Text {
		if v, _ := fields[f].(string); v != "" {
			return v
		}
	}
	return ""
}

// Text is a record's searchable text: its Text columns, each value once,
// one per line.
func Text(set string, fields map[string]any) string {
	s, _ := Lookup(set)
	var parts []string
	for _, f := range s.Text {
		if v, _ := fields[f].(string); v != "" && !slices.Contains(parts, v) {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "\n")
}

// Value formats a field of a record as people read it: Dynamics'
// formatted value when the row carries one, else the option's English
// label, else the value (whole numbers without a decimal point). A value
// that is not text, a number or a truth value gives "".
func Value(set, field string, fields map[string]any) string {
	if v, ok := fields[field+FormattedSuffix].(string); ok && v != "" {
		return v
	}
	var s string
	switch v := fields[field].(type) {
	case nil:
		return ""
	case string:
		s = v
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		s = strconv.Itoa(v)
	case bool:
		s = strconv.FormatBool(v)
	default:
		return ""
	}
	if l := OptionLabel(set, field, s); l != "" {
		return l
	}
	return s
}

// OptionValue is the option-set number of a field's raw value, when the
// field is an option set of set and the value one of its options.
func OptionValue(set, field string, v any) (int, bool) {
	if _, ok := Options[set][field]; !ok {
		return 0, false
	}
	var n int
	switch v := v.(type) {
	case float64:
		if v != float64(int(v)) {
			return 0, false
		}
		n = int(v)
	case int:
		n = v
	case string:
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			return 0, false
		}
	default:
		return 0, false
	}
	for _, o := range Options[set][field] {
		if o.Value == n {
			return n, true
		}
	}
	return 0, false
}
