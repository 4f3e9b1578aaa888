package tenantsim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rapport-app/rapport/sync/tenantsim"
)

// dvClient is the minimal Dataverse Web API client these tests need
// (Dataverse has no Go SDK; Rapport's own client arrives with sync).
type dvClient struct {
	t     *testing.T
	hc    *http.Client
	base  string
	token string
}

func newDV(t *testing.T, srv *tenantsim.Server) *dvClient {
	return &dvClient{t: t, hc: httpClient(srv), base: srv.URLs().Dataverse + "/api/data/v9.2",
		token: signIn(t, srv, srv.URLs().Dataverse+"/.default").AccessToken}
}

func (c *dvClient) do(method, url string, body any, hdr map[string]string) (*http.Response, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	if !strings.HasPrefix(url, "https://") {
		url = c.base + url
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("OData-Version", "4.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if len(raw) > 0 {
		json.Unmarshal(raw, &doc)
	}
	return resp, doc
}

// all follows @odata.nextLink to the end; it returns rows and the deltaLink.
func (c *dvClient) all(url string, hdr map[string]string) ([]map[string]any, string, int) {
	var rows []map[string]any
	pages := 0
	for url != "" {
		resp, doc := c.do("GET", url, nil, hdr)
		if resp.StatusCode != 200 {
			c.t.Fatalf("GET %s: %d %v", url, resp.StatusCode, doc)
		}
		pages++
		for _, v := range doc["value"].([]any) {
			rows = append(rows, v.(map[string]any))
		}
		url, _ = doc["@odata.nextLink"].(string)
		if dl, ok := doc["@odata.deltaLink"].(string); ok && url == "" {
			return rows, dl, pages
		}
	}
	return rows, "", pages
}

func TestDataversePagingAndChangeTracking(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 2, Size: tenantsim.Medium})
	dv := newDV(t, srv)
	tn := srv.Tenant()
	want := len(tn.Rows("contacts"))
	track := map[string]string{"Prefer": "odata.track-changes,odata.maxpagesize=7"}
	rows, delta, pages := dv.all("/contacts?$select=fullname,emailaddress1", track)
	if len(rows) != want || pages < 2 || delta == "" {
		t.Fatalf("first round: %d rows in %d pages (delta %q), want %d rows over several pages", len(rows), pages, delta, want)
	}
	// Idle round: nothing.
	rows, delta, _ = dv.all(delta, track)
	if len(rows) != 0 {
		t.Fatalf("idle round returned %d rows", len(rows))
	}
	// Someone edits one contact and deletes another in Dynamics.
	all := tn.Rows("contacts")
	edited, gone := all[0]["contactid"].(string), all[1]["contactid"].(string)
	if err := tn.UpdateRow("contacts", edited, tenantsim.Row{"jobtitle": "财务总监"}); err != nil {
		t.Fatal(err)
	}
	if err := tn.DeleteRow("contacts", gone); err != nil {
		t.Fatal(err)
	}
	rows, _, _ = dv.all(delta, track)
	if len(rows) != 2 {
		t.Fatalf("change round: %d rows, want the edit and the deletion: %v", len(rows), rows)
	}
	if rows[0]["contactid"] != edited || rows[1]["id"] != gone || rows[1]["reason"] != "deleted" ||
		!strings.HasSuffix(rows[1]["@odata.context"].(string), "#contacts/$deletedEntity") {
		t.Fatalf("change round rows %v", rows)
	}
	// $filter is not allowed with change tracking.
	if resp, _ := dv.do("GET", "/contacts?$filter=statecode%20eq%200", nil, track); resp.StatusCode != 400 {
		t.Fatalf("filter with track-changes: %d, want 400", resp.StatusCode)
	}
}

func TestDataverseConcurrencyAndLinks(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 2})
	dv := newDV(t, srv)
	tn := srv.Tenant()
	inc := tn.Rows("incidents")[0]
	id := inc["incidentid"].(string)
	resp, row := dv.do("GET", "/incidents("+id+")?$select=title,ticketnumber", nil, nil)
	if resp.StatusCode != 200 || row["ticketnumber"] == nil {
		t.Fatalf("get case: %d %v", resp.StatusCode, row)
	}
	etag := row["@odata.etag"].(string)
	if resp, _ := dv.do("GET", "/incidents("+id+")", nil, map[string]string{"If-None-Match": etag}); resp.StatusCode != 304 {
		t.Fatalf("If-None-Match same etag: %d, want 304", resp.StatusCode)
	}
	// Another user changes the case; our stale If-Match fails with 412.
	tn.UpdateRow("incidents", id, tenantsim.Row{"prioritycode": 1})
	resp, body := dv.do("PATCH", "/incidents("+id+")", map[string]any{"title": "mine"}, map[string]string{"If-Match": etag})
	if resp.StatusCode != 412 {
		t.Fatalf("stale If-Match: %d %v, want 412", resp.StatusCode, body)
	}
	// Link a chat to the case with a client-chosen id; a retried create
	// under If-None-Match: * answers 412 and creates nothing twice.
	chat := tn.World().Chats[0]
	link := map[string]any{"activityid": "6a1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f", "subject": "linked from Rapport",
		"teamschatid": chat.ID, "regardingobjectid_incident_chat@odata.bind": "/incidents(" + id + ")"}
	before := len(tn.Rows("chats"))
	for i, want := range []int{204, 412} {
		resp, body := dv.do("POST", "/chats", link, map[string]string{"If-None-Match": "*"})
		if resp.StatusCode != want {
			t.Fatalf("create #%d: %d %v, want %d", i+1, resp.StatusCode, body, want)
		}
	}
	if got := len(tn.Rows("chats")); got != before+1 {
		t.Fatalf("link rows %d, want %d", got, before+1)
	}
	resp, rows := dv.do("GET", "/chats?$filter=teamschatid%20eq%20'"+chat.ID+"'", nil, nil)
	found := false
	for _, v := range rows["value"].([]any) {
		r := v.(map[string]any)
		if r["_regardingobjectid_value"] == id && r["regardingobjecttypecode"] == "incident" && r["_linkedby_value"] != nil {
			found = true
		}
	}
	if resp.StatusCode != 200 || !found {
		t.Fatalf("link not found by teamschatid: %v", rows)
	}
	// Unlink; deleting again is a 404 the client treats as done.
	if resp, _ := dv.do("DELETE", "/chats(6a1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f)", nil, nil); resp.StatusCode != 204 {
		t.Fatalf("delete link: %d", resp.StatusCode)
	}
	if resp, _ := dv.do("DELETE", "/chats(6a1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f)", nil, nil); resp.StatusCode != 404 {
		t.Fatalf("delete again: %d, want 404", resp.StatusCode)
	}
	// A bind to a record that does not exist is refused.
	link["activityid"] = "7a1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f"
	link["regardingobjectid_incident_chat@odata.bind"] = "/incidents(00000000-0000-4000-8000-000000000000)"
	if resp, _ := dv.do("POST", "/chats", link, nil); resp.StatusCode != 404 {
		t.Fatalf("bind to a missing case: %d, want 404", resp.StatusCode)
	}
}

func TestDataverseThrottling(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 2})
	dv := newDV(t, srv)
	srv.SetFaults("429=1")
	resp, body := dv.do("GET", "/accounts", nil, nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || body["error"] == nil {
		t.Fatalf("throttled: %d %q %v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

// TestDataverseCreates: cases, tasks and notes are created as Dataverse
// documents them: lookups through their navigation properties, a case's
// customer required (an account or a contact, not both) and its case
// number assigned, a duplicate client-made id refused under
// If-None-Match: *, a bind to a deleted record or an undeclared property
// refused, and a missing privilege a 403.
func TestDataverseCreates(t *testing.T) {
	srv := startTenant(t, tenantsim.Options{Seed: 3})
	dv := newDV(t, srv)
	tn := srv.Tenant()
	acct := tn.World().Customers[0].AccountID
	contact := tn.Rows("contacts")[0]["contactid"].(string)
	gone := tn.Rows("incidents")[1]["incidentid"].(string)
	if err := tn.DeleteRow("incidents", gone); err != nil {
		t.Fatal(err)
	}
	const caseID = "5b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f"
	createOnly := map[string]string{"If-None-Match": "*"}
	for _, tt := range []struct {
		name, set string
		row       map[string]any
		status    int
		code      string
	}{
		{"case without a customer", "incidents", map[string]any{"incidentid": caseID, "title": "Printer offline"}, 400, "0x80044410"},
		{"case with two customers", "incidents", map[string]any{"incidentid": caseID, "title": "Printer offline",
			"customerid_account@odata.bind": "/accounts(" + acct + ")", "customerid_contact@odata.bind": "/contacts(" + contact + ")"}, 400, "0x8004440f"},
		{"case bound to the wrong table", "incidents", map[string]any{"incidentid": caseID, "title": "x",
			"customerid_account@odata.bind": "/contacts(" + contact + ")"}, 400, "0x80048d19"},
		{"case", "incidents", map[string]any{"incidentid": caseID, "title": "Printer offline", "prioritycode": 1,
			"customerid_account@odata.bind": "/accounts(" + acct + ")"}, 204, ""},
		{"the same case again", "incidents", map[string]any{"incidentid": caseID, "title": "Printer offline",
			"customerid_account@odata.bind": "/accounts(" + acct + ")"}, 412, "0x80060882"},
		{"task on the case", "tasks", map[string]any{"activityid": "6b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f", "subject": "Call back",
			"scheduledend": "2026-12-10T09:00:00Z", "regardingobjectid_incident_task@odata.bind": "/incidents(" + caseID + ")"}, 204, ""},
		{"task on a deleted case", "tasks", map[string]any{"activityid": "7b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f", "subject": "x",
			"regardingobjectid_incident_task@odata.bind": "/incidents(" + gone + ")"}, 404, "0x80040217"},
		{"task through a chat's property", "tasks", map[string]any{"activityid": "8b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f", "subject": "x",
			"regardingobjectid_incident_chat@odata.bind": "/incidents(" + caseID + ")"}, 400, "0x80060888"},
		{"note with a file", "annotations", map[string]any{"annotationid": "9b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f", "subject": "Thread",
			"filename": "thread.md", "mimetype": "text/markdown", "documentbody": "IyBUaHJlYWQK", "objectid_incident@odata.bind": "/incidents(" + caseID + ")"}, 204, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dv.t = t
			resp, body := dv.do("POST", "/"+tt.set, tt.row, createOnly)
			if resp.StatusCode != tt.status {
				t.Fatalf("%d %v, want %d", resp.StatusCode, body, tt.status)
			}
			if tt.code != "" {
				if e, _ := body["error"].(map[string]any); e == nil || e["code"] != tt.code {
					t.Fatalf("error %v, want code %s", body, tt.code)
				}
			}
		})
	}
	dv.t = t
	resp, c := dv.do("GET", "/incidents("+caseID+")?$select=title,ticketnumber,statecode,prioritycode,_customerid_value,_ownerid_value", nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(fmt.Sprint(c["ticketnumber"]), "CAS-") || c["_customerid_value"] != acct ||
		fmt.Sprint(c["statecode"]) != "0" || fmt.Sprint(c["prioritycode"]) != "1" || c["_ownerid_value"] == nil {
		t.Fatalf("the created case: %d %v", resp.StatusCode, c)
	}
	resp, task := dv.do("GET", "/tasks(6b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f)?$select=subject,statecode,statuscode,_regardingobjectid_value,regardingobjecttypecode", nil, nil)
	if resp.StatusCode != 200 || task["_regardingobjectid_value"] != caseID || task["regardingobjecttypecode"] != "incident" || fmt.Sprint(task["statuscode"]) != "2" {
		t.Fatalf("the created task: %d %v", resp.StatusCode, task)
	}
	resp, note := dv.do("GET", "/annotations(9b1f3f4e-1b2c-4d5e-8f90-0a1b2c3d4e5f)?$select=subject,isdocument,_objectid_value,objecttypecode", nil, nil)
	if resp.StatusCode != 200 || note["isdocument"] != true || note["_objectid_value"] != caseID || note["objecttypecode"] != "incident" {
		t.Fatalf("the created note: %d %v", resp.StatusCode, note)
	}
	// Without the privilege, a create is a 403 naming it.
	tn.DenyCreate("tasks", true)
	resp, body := dv.do("POST", "/tasks", map[string]any{"subject": "x", "regardingobjectid_incident_task@odata.bind": "/incidents(" + caseID + ")"}, createOnly)
	if e, _ := body["error"].(map[string]any); resp.StatusCode != 403 || e == nil || !strings.Contains(fmt.Sprint(e["message"]), "prvCreateActivity") {
		t.Fatalf("denied create: %d %v", resp.StatusCode, body)
	}
}
