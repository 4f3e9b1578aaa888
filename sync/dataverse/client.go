package dataverse

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport/sync/auth"
)

// ErrExpired means a delta link is no longer valid: resynchronise.
var ErrExpired = errors.New("dataverse: change-tracking token expired")

// Error is a failed Dataverse call.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("dataverse: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is treats a refused delta token as ErrExpired.
func (e *Error) Is(target error) bool {
	return target == ErrExpired && (e.Status == 410 || (e.Status == 400 && strings.Contains(e.Message, "token")))
}

// Client reads one Dataverse organisation.
type Client struct {
	hc         *http.Client
	base       string
	maxRetries int
	sleep      func(ctx context.Context, d time.Duration) error
}

// New returns a client for the organisation at orgURL
// (https://contoso.crm.dynamics.com), authorizing requests with tokens,
// which go to orgURL's origin only (a 401 is renewed once: auth.Transport).
func New(orgURL string, tlsConf *tls.Config, tokens auth.Tokens) (*Client, error) {
	u, err := url.Parse(orgURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("dataverse URL %q must be https://host[/path]", orgURL)
	}
	rt, err := auth.Transport(&http.Transport{TLSClientConfig: tlsConf, Proxy: http.ProxyFromEnvironment}, u.Scheme+"://"+u.Host, tokens)
	if err != nil {
		return nil, err
	}
	return &Client{
		hc:         &http.Client{Transport: rt, Timeout: 60 * time.Second},
		base:       strings.TrimRight(orgURL, "/") + "/api/data/v9.2",
		maxRetries: 4,
		sleep: func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	}, nil
}

// Row is one row: column name to value. Deleted rows have only "id".
type Row map[string]any

// Page is one page of a change-tracked listing.
type Page struct {
	Rows    []Row
	Deleted []string
	Next    string // follow within the round
	Delta   string // save for the next round
}

// Changes lists set's rows (only changes when link is a saved delta link),
// page by page, selecting cols.
func (c *Client) Changes(ctx context.Context, set string, cols []string, link string, page func(Page) error) error {
	if link == "" {
		q := url.Values{}
		if len(cols) > 0 {
			q.Set("$select", strings.Join(cols, ","))
		}
		link = c.base + "/" + set + "?" + q.Encode()
	}
	link, err := c.rebase(link)
	if err != nil {
		return fmt.Errorf("list %s: %w", set, err)
	}
	for link != "" {
		var body struct {
			Value []json.RawMessage `json:"value"`
			Next  string            `json:"@odata.nextLink"`
			Delta string            `json:"@odata.deltaLink"`
		}
		if err := c.get(ctx, link, &body); err != nil {
			return fmt.Errorf("list %s: %w", set, err)
		}
		var p Page
		for _, raw := range body.Value {
			var row Row
			if err := json.Unmarshal(raw, &row); err != nil {
				return fmt.Errorf("list %s: malformed row: %w", set, err)
			}
			if ctxv, _ := row["@odata.context"].(string); strings.HasSuffix(ctxv, "/$deletedEntity") {
				if id, ok := row["id"].(string); ok {
					p.Deleted = append(p.Deleted, id)
				}
				continue
			}
			p.Rows = append(p.Rows, row)
		}
		p.Next, p.Delta = body.Next, body.Delta
		if err := page(p); err != nil {
			return err
		}
		if link, err = c.rebase(body.Next); err != nil {
			return fmt.Errorf("list %s: %w", set, err)
		}
	}
	return nil
}

// rebase points a saved or served next or delta link at the configured
// organisation URL: the same Web API path and query, on c.base. Links are
// absolute and outlive a change of URL (an environment renamed, a proxy);
// tokens go to the configured origin only. A link that is not a Web API
// link fails with ErrExpired, which restarts the listing.
func (c *Client) rebase(link string) (string, error) {
	if link == "" || strings.HasPrefix(link, c.base+"/") {
		return link, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("saved link %q: %w", link, ErrExpired)
	}
	path := u.EscapedPath()
	i := strings.Index(strings.ToLower(path), "/api/data/v")
	if i < 0 {
		return "", fmt.Errorf("saved link %s is not a Web API link of %s: starting over: %w", u.Redacted(), c.base, ErrExpired)
	}
	_, rest, _ := strings.Cut(path[i+len("/api/data/v"):], "/")
	out := c.base + "/" + rest
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out, nil
}

func (c *Client) get(ctx context.Context, link string, v any) error {
	for attempt := 0; ; attempt++ {
		err := c.getOnce(ctx, link, v)
		var e *Error
		if err == nil || !errors.As(err, &e) || (e.Status != 429 && e.Status < 500) || attempt >= c.maxRetries {
			return err
		}
		wait := e.RetryAfter
		if wait == 0 {
			wait = time.Duration(1<<attempt) * time.Second
		}
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func (c *Client) getOnce(ctx context.Context, link string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("OData-Version", "4.0")
	req.Header.Set("Prefer", `odata.track-changes,odata.maxpagesize=500,odata.include-annotations="OData.Community.Display.V1.FormattedValue"`)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return errorFrom(resp, raw)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("malformed response: %w", err)
	}
	return nil
}

// errorFrom reads a Dataverse error response.
func errorFrom(resp *http.Response, raw []byte) *Error {
	e := &Error{Status: resp.StatusCode}
	var eb struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if json.Unmarshal(raw, &eb) == nil {
		e.Code, e.Message = eb.Error.Code, eb.Error.Message
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			e.RetryAfter = max(0, time.Until(t))
		}
	}
	if e.Status == 429 && e.RetryAfter == 0 {
		e.RetryAfter = 5 * time.Second
	}
	return e
}

// Writes are never retried here: the caller (the outbox) decides, after
// reading the server when an outcome is unknown.

// Create creates a row whose primary key the caller chose, create-only
// (If-None-Match: *): a create that already landed answers 412.
func (c *Client) Create(ctx context.Context, set string, row Row) error {
	body, err := json.Marshal(row)
	if err != nil {
		return fmt.Errorf("encode row: %w", err)
	}
	_, err = c.send(ctx, http.MethodPost, c.base+"/"+set, body, map[string]string{"If-None-Match": "*"})
	return err
}

// Delete deletes a row; a 404 comes back as an *Error with Status 404.
func (c *Client) Delete(ctx context.Context, set, id string) error {
	_, err := c.send(ctx, http.MethodDelete, c.base+"/"+set+"("+url.PathEscape(id)+")", nil, nil)
	return err
}

// JoinLinkedChat asks Dynamics 365 to add user (a systemuser id) to a
// Teams chat linked to a record (set, id): the JoinLinkedChat action,
// which adds the user on the server's side. Joining a chat one is in
// already succeeds, so a retry is harmless.
func (c *Client) JoinLinkedChat(ctx context.Context, user, chatID, set, logical, id string) error {
	body, err := json.Marshal(map[string]any{"UserId": user, "TeamsChatId": chatID,
		"RegardingEntity": map[string]any{"@odata.type": "Microsoft.Dynamics.CRM." + logical, logical + "id": id}})
	if err != nil {
		return fmt.Errorf("encode action: %w", err)
	}
	_, err = c.send(ctx, http.MethodPost, c.base+"/JoinLinkedChat", body, nil)
	return err
}

// WhoAmI is who Dataverse takes the signed-in user for.
type WhoAmI struct {
	UserID         string `json:"UserId"`
	BusinessUnitID string `json:"BusinessUnitId"`
	OrganizationID string `json:"OrganizationId"`
}

// WhoAmI calls the WhoAmI function: the cheapest proof that the
// organisation is reachable, the token is accepted and the user has a
// Dynamics 365 user record.
func (c *Client) WhoAmI(ctx context.Context) (WhoAmI, error) {
	raw, err := c.send(ctx, http.MethodGet, c.base+"/WhoAmI", nil, nil)
	if err != nil {
		return WhoAmI{}, err
	}
	var w WhoAmI
	if err := json.Unmarshal(raw, &w); err != nil || w.UserID == "" {
		return WhoAmI{}, fmt.Errorf("WhoAmI: malformed response: %s", raw)
	}
	return w, nil
}

// Row reads one row's columns.
func (c *Client) Row(ctx context.Context, set, id string, cols []string) (Row, error) {
	link := c.base + "/" + set + "(" + url.PathEscape(id) + ")"
	if len(cols) > 0 {
		link += "?$select=" + url.QueryEscape(strings.Join(cols, ","))
	}
	raw, err := c.send(ctx, http.MethodGet, link, nil, nil)
	if err != nil {
		return nil, err
	}
	var row Row
	if err := json.Unmarshal(raw, &row); err != nil {
		return nil, fmt.Errorf("malformed response: %w", err)
	}
	return row, nil
}

// send makes one request and returns the body of a 2xx answer.
func (c *Client) send(ctx context.Context, method, link string, body []byte, headers map[string]string) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, link, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("OData-Version", "4.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, errorFrom(resp, raw)
	}
	return raw, nil
}
