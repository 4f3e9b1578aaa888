package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/teams"
)

// A channel's Files and its messages: what publishing writes. The drives
// calls go through the SDK's request adapter with a RequestInformation
// (the SDK's drives package is large and Rapport needs four calls of it);
// upload-session fragments go to the session's URL with a plain HTTPS
// client, without the bearer token, as Graph requires.

// SimpleUploadMax is the largest file the simple upload takes; larger
// files go through an upload session.
const SimpleUploadMax = 4 << 20

// fragmentUnit: fragments other than the last are multiples of 320 KiB.
const fragmentUnit = 320 << 10

// Item is a drive item: a channel's folder or a file in it.
type Item struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ETag     string `json:"eTag,omitempty"`
	CTag     string `json:"cTag,omitempty"`
	DriveID  string `json:"driveId"`
	ParentID string `json:"parentId,omitempty"`
	WebURL   string `json:"webUrl,omitempty"`
	QuickXor string `json:"quickXorHash,omitempty"`
	Size     int64  `json:"size"`
	By       string `json:"by,omitempty"` // last modified by (display name)
}

func toItem(d models.DriveItemable) Item {
	it := Item{ID: str(d.GetId()), Name: str(d.GetName()), ETag: str(d.GetETag()), CTag: str(d.GetCTag()), WebURL: str(d.GetWebUrl())}
	if s := d.GetSize(); s != nil {
		it.Size = *s
	}
	if p := d.GetParentReference(); p != nil {
		it.DriveID, it.ParentID = str(p.GetDriveId()), str(p.GetId())
	}
	if f := d.GetFile(); f != nil && f.GetHashes() != nil {
		it.QuickXor = str(f.GetHashes().GetQuickXorHash())
	}
	if by := d.GetLastModifiedBy(); by != nil && by.GetUser() != nil {
		it.By = str(by.GetUser().GetDisplayName())
	}
	return it
}

var odataErrors = abs.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// FilesFolder returns a channel's folder in its team's document library
// (404, ErrNotFound, until someone opened the channel's Files tab).
func (c *Client) FilesFolder(ctx context.Context, teamID, channelID string) (Item, error) {
	d, err := teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(channelID).FilesFolder().Get(ctx, nil)
	if err != nil {
		return Item{}, wrap("GET channel filesFolder", err)
	}
	return toItem(d), nil
}

// childURL is /drives/{d}/items/{parent}:/{name}:{suffix}.
func (c *Client) childURL(driveID, parentID, name, suffix string) (*url.URL, error) {
	return url.Parse(c.base + "/drives/" + url.PathEscape(driveID) + "/items/" + url.PathEscape(parentID) + ":/" + url.PathEscape(name) + ":" + suffix)
}

func (c *Client) sendItem(ctx context.Context, op string, ri *abs.RequestInformation) (Item, error) {
	res, err := c.adapter.Send(ctx, ri, models.CreateDriveItemFromDiscriminatorValue, odataErrors)
	if err != nil {
		return Item{}, wrap(op, err)
	}
	d, ok := res.(models.DriveItemable)
	if !ok {
		return Item{}, fmt.Errorf("%s: the reply is not a driveItem", op)
	}
	return toItem(d), nil
}

// Child reads the file name in a folder (ErrNotFound when there is none).
func (c *Client) Child(ctx context.Context, driveID, parentID, name string) (Item, error) {
	u, err := c.childURL(driveID, parentID, name, "")
	if err != nil {
		return Item{}, err
	}
	ri := abs.NewRequestInformation()
	ri.Method = abs.GET
	ri.SetUri(*u)
	ri.Headers.TryAdd("Accept", "application/json")
	return c.sendItem(ctx, "GET drive item", ri)
}

// Upload writes data as name in a folder, once: with ifMatch empty the
// file must not exist (conflictBehavior fail: 409 nameAlreadyExists when
// it does); otherwise it replaces the file only while its eTag is ifMatch
// (412 when it changed). Files above SimpleUploadMax go through an upload
// session. Nothing is retried here: the outbox reads the folder back
// before sending again.
func (c *Client) Upload(ctx context.Context, driveID, parentID, name string, data []byte, ifMatch string) (Item, error) {
	if len(data) > SimpleUploadMax {
		return c.uploadSession(ctx, driveID, parentID, name, data, ifMatch)
	}
	behavior := "fail"
	if ifMatch != "" {
		behavior = "replace"
	}
	u, err := c.childURL(driveID, parentID, name, "/content")
	if err != nil {
		return Item{}, err
	}
	u.RawQuery = "@microsoft.graph.conflictBehavior=" + behavior
	ri := abs.NewRequestInformation()
	ri.Method = abs.PUT
	ri.SetUri(*u)
	ri.SetStreamContentAndContentType(data, "application/octet-stream")
	ri.Headers.TryAdd("Accept", "application/json")
	if ifMatch != "" {
		ri.Headers.TryAdd("If-Match", ifMatch)
	}
	return c.sendItem(ctx, "PUT drive item content", ri)
}

// uploadSession uploads data in fragments through an upload session.
func (c *Client) uploadSession(ctx context.Context, driveID, parentID, name string, data []byte, ifMatch string) (Item, error) {
	behavior := "fail"
	if ifMatch != "" {
		behavior = "replace"
	}
	u, err := c.childURL(driveID, parentID, name, "/createUploadSession")
	if err != nil {
		return Item{}, err
	}
	body, _ := json.Marshal(map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": behavior, "name": name, "fileSize": len(data)}})
	ri := abs.NewRequestInformation()
	ri.Method = abs.POST
	ri.SetUri(*u)
	ri.SetStreamContentAndContentType(body, "application/json")
	ri.Headers.TryAdd("Accept", "application/json")
	if ifMatch != "" {
		ri.Headers.TryAdd("If-Match", ifMatch)
	}
	res, err := c.adapter.Send(ctx, ri, models.CreateUploadSessionFromDiscriminatorValue, odataErrors)
	if err != nil {
		return Item{}, wrap("POST createUploadSession", err)
	}
	us, ok := res.(models.UploadSessionable)
	if !ok || str(us.GetUploadUrl()) == "" {
		return Item{}, errors.New("POST createUploadSession: no uploadUrl in the reply")
	}
	upload := str(us.GetUploadUrl())
	chunk := c.chunk
	for off := 0; off < len(data); {
		end := min(off+chunk, len(data))
		item, next, err := c.putFragment(ctx, upload, data, off, end)
		if err != nil {
			var e *Error
			if errors.As(err, &e) && e.Status == 416 && next < 0 {
				// The server holds more (or less) than we thought: ask it.
				if next, err = c.sessionNext(ctx, upload); err != nil {
					return Item{}, err
				}
			} else {
				return Item{}, err
			}
		}
		if item != nil {
			return *item, nil
		}
		if next <= off || next > len(data) {
			return Item{}, fmt.Errorf("upload session: the server expects byte %d after %d", next, end)
		}
		off = next
	}
	return Item{}, errors.New("upload session: every byte was sent but the file was not completed")
}

// putFragment sends data[off:end]; it returns the completed item, or the
// next byte the server expects.
func (c *Client) putFragment(ctx context.Context, upload string, data []byte, off, end int) (*Item, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, upload, bytes.NewReader(data[off:end]))
	if err != nil {
		return nil, -1, err
	}
	req.ContentLength = int64(end - off)
	req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, end-1, len(data)))
	var out map[string]any
	status, err := c.plainDo(req, &out)
	if err != nil {
		return nil, -1, fmt.Errorf("PUT upload fragment: %w", err)
	}
	if status == 200 || status == 201 {
		it := itemFromJSON(out)
		return &it, len(data), nil
	}
	return nil, nextRange(out), nil
}

func (c *Client) sessionNext(ctx context.Context, upload string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, upload, nil)
	if err != nil {
		return -1, err
	}
	var out map[string]any
	if _, err := c.plainDo(req, &out); err != nil {
		return -1, fmt.Errorf("GET upload session: %w", err)
	}
	return nextRange(out), nil
}

// nextRange reads the start of nextExpectedRanges[0] ("26-" or "26-55").
func nextRange(out map[string]any) int {
	rs, _ := out["nextExpectedRanges"].([]any)
	if len(rs) == 0 {
		return -1
	}
	s, _ := rs[0].(string)
	a, _, _ := strings.Cut(s, "-")
	n, err := strconv.Atoi(a)
	if err != nil {
		return -1
	}
	return n
}

// plainDo sends req without a token and decodes a JSON reply into out; a
// status ≥ 400 becomes *Error.
func (c *Client) plainDo(req *http.Request, out *map[string]any) (int, error) {
	resp, err := c.plain.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 400 {
		e := &Error{Status: resp.StatusCode}
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(raw, &body) == nil {
			e.Code, e.Message = body.Error.Code, body.Error.Message
		}
		if v := resp.Header.Get("Retry-After"); v != "" {
			e.RetryAfter = parseRetryAfter(v, time.Now())
		}
		return resp.StatusCode, e
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("malformed reply (%d): %w", resp.StatusCode, err)
		}
	}
	return resp.StatusCode, nil
}

func itemFromJSON(m map[string]any) Item {
	s := func(v any) string { x, _ := v.(string); return x }
	it := Item{ID: s(m["id"]), Name: s(m["name"]), ETag: s(m["eTag"]), CTag: s(m["cTag"]), WebURL: s(m["webUrl"])}
	if n, ok := m["size"].(float64); ok {
		it.Size = int64(n)
	}
	if p, ok := m["parentReference"].(map[string]any); ok {
		it.DriveID, it.ParentID = s(p["driveId"]), s(p["id"])
	}
	if f, ok := m["file"].(map[string]any); ok {
		if h, ok := f["hashes"].(map[string]any); ok {
			it.QuickXor = s(h["quickXorHash"])
		}
	}
	if by, ok := m["lastModifiedBy"].(map[string]any); ok {
		if u, ok := by["user"].(map[string]any); ok {
			it.By = s(u["displayName"])
		}
	}
	return it
}

// PostChannelMessage starts a thread in a channel with an HTML message
// and returns its id. It is sent once (never retried here).
func (c *Client) PostChannelMessage(ctx context.Context, teamID, channelID, html string) (string, error) {
	m := models.NewChatMessage()
	b := models.NewItemBody()
	ct := models.HTML_BODYTYPE
	b.SetContentType(&ct)
	b.SetContent(&html)
	m.SetBody(b)
	sent, err := teams.NewTeamsRequestBuilderInternal(c.params(), c.adapter).ByTeamId(teamID).Channels().ByChannelId(channelID).Messages().Post(ctx, m, nil)
	if err != nil {
		return "", wrap("POST channel message", err)
	}
	return str(sent.GetId()), nil
}

// ChannelSentRecently returns the bodies (raw HTML) of the thread roots
// userID posted among a channel's newest n roots, newest first.
func (c *Client) ChannelSentRecently(ctx context.Context, teamID, channelID, userID string, n int) ([]string, error) {
	var out []string
	seen := 0
	err := c.ChannelHistory(ctx, teamID, channelID, "", func(msgs []Msg, _ string) error {
		for _, m := range msgs {
			if m.ReplyTo != "" {
				continue
			}
			seen++
			if m.FromID == userID && m.Deleted == nil {
				out = append(out, m.Raw)
			}
		}
		if seen >= n {
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, err
}
