package tenantsim

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rapport-app/rapport/sync/quickxor"
)

// A channel's Files: each team has one document library (a drive), and
// each standard channel a folder in it, which Graph returns from
// GET /teams/{t}/channels/{c}/filesFolder. As in Teams, a channel's folder
// exists only once someone opened the channel's Files tab; until then
// filesFolder answers 404 (OpenFilesTab provisions it, as a person
// opening the tab would). Files are put with the simple upload (≤ 4 MB)
// or through an upload session, with Microsoft's conflict rules:
// @microsoft.graph.conflictBehavior fail → 409 nameAlreadyExists, an
// If-Match that does not match the item's eTag or cTag → 412.

// Permissions of the Files routes.
var (
	permFilesRead  = []string{"Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All"}
	permFilesWrite = []string{"Files.ReadWrite.All", "Sites.ReadWrite.All"}
	permChanSend   = []string{"ChannelMessage.Send", "Group.ReadWrite.All"}
)

const (
	simpleUploadMax = 4 << 20   // the simple upload's limit
	fragmentUnit    = 320 << 10 // fragments are multiples of 320 KiB
	fragmentMax     = 60 << 20  // and below 60 MiB
	sessionLifetime = time.Hour // [simulator choice] an upload session's life
	uploadPrefix    = "/graph/_api/v2.0/uploadSession/"
)

type driveItem struct {
	ID, Name string
	Data     []byte
	GUID     string // the eTag's list item id
	Version  int
	Created  time.Time
	Modified time.Time
	By       string // user id
}

func (it *driveItem) eTag() string { return fmt.Sprintf("\"{%s},%d\"", it.GUID, it.Version) }
func (it *driveItem) cTag() string { return fmt.Sprintf("\"c:{%s},%d\"", it.GUID, it.Version) }

// channelFolder is a channel's folder in its team's drive.
type channelFolder struct {
	TeamID, ChannelID string
	DriveID, ID, Name string
	WebURL            string
	Created           time.Time
	Provisioned       bool
	Files             map[string]*driveItem // by lower-case name
}

type uploadSession struct {
	ID       string
	Folder   *channelFolder
	Name     string
	Behavior string // fail, replace, rename
	IfMatch  string
	Total    int64 // -1 until the first fragment declares it
	Data     []byte
	Expires  time.Time
	User     string
}

type driveState struct {
	folders  map[string]*channelFolder // by channel id
	byID     map[string]*channelFolder // by folder item id
	sessions map[string]*uploadSession
	n        int
}

// itemID makes a SharePoint-shaped item id ("01" + 32 base-32 digits).
func itemID(seed int64, parts ...any) string {
	b := []byte(hex32(seed, parts...))
	return "01" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:20])[:32]
}

// files returns the channel's folder record, creating it (unprovisioned
// or not, as the world says) on first use. t.mu is held.
func (t *Tenant) folder(ch *Channel) *channelFolder {
	if t.drives == nil {
		t.drives = &driveState{folders: map[string]*channelFolder{}, byID: map[string]*channelFolder{}, sessions: map[string]*uploadSession{}}
	}
	if f, ok := t.drives.folders[ch.ID]; ok {
		return f
	}
	team := t.teams[ch.TeamID]
	sum := hex32(t.w.Seed, "drive", ch.TeamID)
	f := &channelFolder{
		TeamID: ch.TeamID, ChannelID: ch.ID,
		DriveID: "b!" + base64.RawURLEncoding.EncodeToString([]byte(sum + hex32(t.w.Seed, "site", ch.TeamID)))[:64],
		ID:      itemID(t.w.Seed, "folder", ch.ID),
		Name:    ch.DisplayName,
		WebURL:  "https://contoso.sharepoint.com/sites/" + url.PathEscape(strings.ReplaceAll(team.DisplayName, " ", "")) + "/Shared%20Documents/" + url.PathEscape(ch.DisplayName),
		Created: ch.Created,
		// A quarter of the channels nobody opened the Files tab of.
		Provisioned: hash64(t.w.Seed, "files-tab", ch.ID)%4 != 0,
		Files:       map[string]*driveItem{},
	}
	t.drives.folders[ch.ID] = f
	t.drives.byID[f.ID] = f
	return f
}

// FilesProvisioned reports whether a channel's Files folder exists (its
// Files tab was opened once).
func (t *Tenant) FilesProvisioned(channelID string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch, ok := t.channels[channelID]
	if !ok {
		return false, fmt.Errorf("%w: %s", ErrNoConversation, channelID)
	}
	return t.folder(ch).Provisioned, nil
}

// OpenFilesTab provisions a channel's Files folder, as a member opening
// the channel's Files tab in Teams does.
func (t *Tenant) OpenFilesTab(channelID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch, ok := t.channels[channelID]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoConversation, channelID)
	}
	t.folder(ch).Provisioned = true
	return nil
}

// File is a file in a channel's Files (ground truth).
type File struct {
	Name    string
	Data    []byte
	ETag    string
	Version int
	By      string
}

// ChannelFiles lists the files in a channel's folder, by name.
func (t *Tenant) ChannelFiles(channelID string) []File {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch, ok := t.channels[channelID]
	if !ok {
		return nil
	}
	var out []File
	for _, it := range t.folder(ch).Files {
		out = append(out, File{Name: it.Name, Data: bytes.Clone(it.Data), ETag: it.eTag(), Version: it.Version, By: it.By})
	}
	sortFiles(out)
	return out
}

func sortFiles(fs []File) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Name < fs[j-1].Name; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// PutFile writes a file into a channel's Files as another member would
// (a new version when it exists), provisioning the folder.
func (t *Tenant) PutFile(channelID, userID, name string, data []byte) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch, ok := t.channels[channelID]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoConversation, channelID)
	}
	f := t.folder(ch)
	f.Provisioned = true
	t.store(f, name, data, userID)
	return nil
}

// store creates or replaces a file; it returns it and whether it is new.
func (t *Tenant) store(f *channelFolder, name string, data []byte, userID string) (*driveItem, bool) {
	now := t.now()
	it, ok := f.Files[strings.ToLower(name)]
	if ok {
		it.Data, it.Version, it.Modified, it.By = bytes.Clone(data), it.Version+1, now, userID
		return it, false
	}
	t.drives.n++
	it = &driveItem{ID: itemID(t.w.Seed, "file", f.ID, name, t.drives.n), Name: name, Data: bytes.Clone(data),
		GUID: strings.ToUpper(guid(t.w.Seed, "listitem", f.ID, name, t.drives.n)), Version: 1, Created: now, Modified: now, By: userID}
	f.Files[strings.ToLower(name)] = it
	return it, true
}

// uniqueName is name with " 1", " 2"… before its extension, free in f
// (conflictBehavior rename).
func uniqueName(f *channelFolder, name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; ; i++ {
		n := fmt.Sprintf("%s %d%s", stem, i, ext)
		if _, ok := f.Files[strings.ToLower(n)]; !ok {
			return n
		}
	}
}

func (s *Server) filesRoutes(mux *http.ServeMux) {
	p := graphPrefix
	mux.HandleFunc("GET "+p+"/teams/{team}/channels/{channel}/filesFolder", s.graph(permFilesRead, s.getFilesFolder))
	mux.HandleFunc("GET "+p+"/drives/{drive}/items/{rest...}", s.graph(permFilesRead, s.driveItemRoute))
	mux.HandleFunc("PUT "+p+"/drives/{drive}/items/{rest...}", s.graph(permFilesWrite, s.driveItemRoute))
	mux.HandleFunc("POST "+p+"/drives/{drive}/items/{rest...}", s.graph(permFilesWrite, s.driveItemRoute))
	mux.HandleFunc("POST "+p+"/teams/{team}/channels/{channel}/messages", s.graph(permChanSend, s.postChannelMessage))
	mux.HandleFunc(uploadPrefix+"{session}", s.uploadFragment)
}

func (s *Server) folderJSON(f *channelFolder) map[string]any {
	var size int64
	for _, it := range f.Files {
		size += int64(len(it.Data))
	}
	return map[string]any{
		"@odata.context":       s.graphBase() + "/$metadata#teams('" + f.TeamID + "')/channels('" + url.PathEscape(f.ChannelID) + "')/filesFolder/$entity",
		"id":                   f.ID,
		"createdDateTime":      "0001-01-01T00:00:00Z",
		"lastModifiedDateTime": graphTime(f.Created),
		"name":                 f.Name,
		"webUrl":               f.WebURL,
		"size":                 size,
		"parentReference":      map[string]any{"driveId": f.DriveID, "driveType": "documentLibrary"},
		"fileSystemInfo":       map[string]any{"createdDateTime": graphTime(f.Created), "lastModifiedDateTime": graphTime(f.Created)},
		"folder":               map[string]any{"childCount": len(f.Files)},
	}
}

func (s *Server) itemJSON(f *channelFolder, it *driveItem) map[string]any {
	by := map[string]any{"user": map[string]any{"id": it.By, "displayName": s.displayName(it.By)}}
	mt := mime.TypeByExtension(path.Ext(it.Name))
	if mt == "" {
		mt = "application/octet-stream"
	}
	mt, _, _ = strings.Cut(mt, ";")
	return map[string]any{
		"@odata.context":       s.graphBase() + "/$metadata#drives('" + f.DriveID + "')/items/$entity",
		"id":                   it.ID,
		"name":                 it.Name,
		"eTag":                 it.eTag(),
		"cTag":                 it.cTag(),
		"size":                 len(it.Data),
		"createdDateTime":      graphTime(it.Created),
		"lastModifiedDateTime": graphTime(it.Modified),
		"webUrl":               f.WebURL + "/" + url.PathEscape(it.Name),
		"createdBy":            by,
		"lastModifiedBy":       by,
		"parentReference":      map[string]any{"driveId": f.DriveID, "driveType": "documentLibrary", "id": f.ID},
		"file":                 map[string]any{"mimeType": mt, "hashes": map[string]any{"quickXorHash": quickxor.Of(it.Data)}},
		"fileSystemInfo":       map[string]any{"createdDateTime": graphTime(it.Created), "lastModifiedDateTime": graphTime(it.Modified)},
	}
}

func (s *Server) displayName(userID string) string {
	if u := s.t.users[userID]; u != nil {
		return u.DisplayName
	}
	return ""
}

func (s *Server) getFilesFolder(w http.ResponseWriter, r *http.Request, g *grant) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		return
	}
	f := s.t.folder(ch)
	if !f.Provisioned {
		// What Graph answers for a channel whose Files tab was never
		// opened (its SharePoint folder does not exist yet).
		graphError(w, r, 404, "NotFound", "Files folder for channel "+ch.ID+" not found: the folder is created when the channel's Files tab is first opened.")
		return
	}
	writeJSON(w, 200, s.folderJSON(f))
}

// itemPath splits items/{rest...}: "{parent}:/{name}:/content",
// "{parent}:/{name}:/createUploadSession", "{parent}:/{name}" or
// "{parent}:/{name}:".
var itemPathRE = regexp.MustCompile(`^([^/:]+):/([^/:]+)(?::(?:/(content|createUploadSession))?)?$`)

var invalidName = regexp.MustCompile(`["*:<>?/\\|#%]`)

// driveItemRoute serves the children of a channel folder by path.
func (s *Server) driveItemRoute(w http.ResponseWriter, r *http.Request, g *grant) {
	m := itemPathRE.FindStringSubmatch(r.PathValue("rest"))
	if m == nil {
		graphError(w, r, 400, "invalidRequest", "Invalid request: this simulator serves items by path under a channel folder ({parent-id}:/{name}:/content).")
		return
	}
	parent, name, action := m[1], m[2], m[3]
	if name == "" || strings.TrimSpace(name) != name || invalidName.MatchString(name) || len(name) > 400 || strings.HasSuffix(name, ".") {
		graphError(w, r, 400, "invalidRequest", "The provided name contains invalid characters or is too long: "+name)
		return
	}
	switch {
	case r.Method == http.MethodGet && action == "content":
		s.getChildContent(w, r, g, parent, name)
	case r.Method == http.MethodGet && action == "":
		s.getChild(w, r, g, parent, name)
	case r.Method == http.MethodPut && action == "content":
		s.putContent(w, r, g, parent, name)
	case r.Method == http.MethodPost && action == "createUploadSession":
		s.createUploadSession(w, r, g, parent, name)
	default:
		graphError(w, r, 405, "invalidRequest", "Method not allowed on this item.")
	}
}

// folderOf finds the folder a drive/parent pair names and checks that the
// caller may see it. t.mu is held.
func (s *Server) folderOf(w http.ResponseWriter, r *http.Request, g *grant, parent string) *channelFolder {
	var f *channelFolder
	if s.t.drives != nil {
		f = s.t.drives.byID[parent]
	}
	if f == nil || f.DriveID != r.PathValue("drive") || !f.Provisioned {
		graphError(w, r, 404, "itemNotFound", "The resource could not be found.")
		return nil
	}
	t := s.t.teams[f.TeamID]
	ch := s.t.channels[f.ChannelID]
	if !s.isMember(t.Members, g.userID) || (ch.MembershipType == "private" && !s.isMember(ch.Members, g.userID)) {
		graphError(w, r, 403, "accessDenied", "Access denied. You do not have permission to perform this action or access this resource.")
		return nil
	}
	return f
}

// childOf finds a folder's file by name (404 itemNotFound when it has
// none); s.t.mu must be held.
func (s *Server) childOf(w http.ResponseWriter, r *http.Request, g *grant, parent, name string) (*channelFolder, *driveItem) {
	f := s.folderOf(w, r, g, parent)
	if f == nil {
		return nil, nil
	}
	it, ok := f.Files[strings.ToLower(name)]
	if !ok {
		graphError(w, r, 404, "itemNotFound", "The resource could not be found.")
		return nil, nil
	}
	return f, it
}

func (s *Server) getChild(w http.ResponseWriter, r *http.Request, g *grant, parent, name string) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	f, it := s.childOf(w, r, g, parent, name)
	if it == nil {
		return
	}
	w.Header().Set("ETag", it.eTag())
	writeJSON(w, 200, s.itemJSON(f, it))
}

func (s *Server) getChildContent(w http.ResponseWriter, r *http.Request, g *grant, parent, name string) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	_, it := s.childOf(w, r, g, parent, name)
	if it == nil {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(200)
	w.Write(it.Data)
}

// conflictBehavior reads @microsoft.graph.conflictBehavior from the query.
func conflictBehavior(r *http.Request, def string) (string, bool) {
	v := def
	for k, vs := range r.URL.Query() {
		if strings.EqualFold(k, "@microsoft.graph.conflictBehavior") && len(vs) > 0 {
			v = strings.ToLower(vs[0])
		}
	}
	return v, v == "fail" || v == "replace" || v == "rename"
}

// precondition applies If-Match (the item's eTag or cTag, or *) and
// If-None-Match; it writes 412 and returns false when they fail.
func preconditions(w http.ResponseWriter, r *http.Request, it *driveItem) bool {
	if im := r.Header.Get("If-Match"); im != "" {
		if it == nil || (im != "*" && im != it.eTag() && im != it.cTag()) {
			graphError(w, r, 412, "resourceModified", "ETag does not match current item's value")
			return false
		}
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && it != nil && (inm == "*" || inm == it.eTag() || inm == it.cTag()) {
		graphError(w, r, 412, "resourceModified", "ETag does not match current item's value")
		return false
	}
	return true
}

// readContent reads a request body up to max bytes (un-gzipped when the
// client compressed it); ok is false after an error was written.
func readContent(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	var rd io.Reader = r.Body
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		b, err := readBody(r) // bounded compressed input
		if err != nil {
			graphError(w, r, 400, "invalidRequest", "The request body could not be read: "+err.Error())
			return nil, false
		}
		rd = bytes.NewReader(b)
	}
	data, err := io.ReadAll(io.LimitReader(rd, max+1))
	if err != nil {
		graphError(w, r, 400, "invalidRequest", "The request body could not be read: "+err.Error())
		return nil, false
	}
	if int64(len(data)) > max {
		graphError(w, r, 413, "invalidRequest", fmt.Sprintf("The request is larger than %d bytes: use an upload session.", max))
		return nil, false
	}
	return data, true
}

// putContent is the simple upload: 201 with the new item, 200 with a
// replaced one. The default conflict behaviour of a PUT is replace.
func (s *Server) putContent(w http.ResponseWriter, r *http.Request, g *grant, parent, name string) {
	behavior, ok := conflictBehavior(r, "replace")
	if !ok {
		graphError(w, r, 400, "invalidRequest", "Invalid value for @microsoft.graph.conflictBehavior: "+behavior)
		return
	}
	data, ok := readContent(w, r, simpleUploadMax)
	if !ok {
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	f := s.folderOf(w, r, g, parent)
	if f == nil {
		return
	}
	it := f.Files[strings.ToLower(name)]
	if !preconditions(w, r, it) {
		return
	}
	if it != nil {
		switch behavior {
		case "fail":
			graphError(w, r, 409, "nameAlreadyExists", "The specified item name already exists. Name: "+name)
			return
		case "rename":
			name = uniqueName(f, name)
		}
	}
	it, created := s.t.store(f, name, data, g.userID)
	status := 200
	if created {
		status = 201
	}
	w.Header().Set("ETag", it.eTag())
	writeJSON(w, status, s.itemJSON(f, it))
}

// createUploadSession opens an upload session for a new or existing file
// (the item's conflict behaviour is in the body, default fail; If-Match
// is checked now and when the session completes).
func (s *Server) createUploadSession(w http.ResponseWriter, r *http.Request, g *grant, parent, name string) {
	var body struct {
		Item struct {
			Behavior string `json:"@microsoft.graph.conflictBehavior"`
			Name     string `json:"name"`
			FileSize *int64 `json:"fileSize"`
		} `json:"item"`
		DeferCommit bool `json:"deferCommit"`
	}
	if raw, err := readBody(r); err != nil || (len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &body) != nil) {
		graphError(w, r, 400, "invalidRequest", "The request body is not valid JSON.")
		return
	}
	behavior := strings.ToLower(body.Item.Behavior)
	if behavior == "" {
		behavior, _ = conflictBehavior(r, "fail")
	}
	if behavior != "fail" && behavior != "replace" && behavior != "rename" {
		graphError(w, r, 400, "invalidRequest", "Invalid value for @microsoft.graph.conflictBehavior: "+behavior)
		return
	}
	if body.Item.Name != "" && body.Item.Name != name {
		graphError(w, r, 400, "invalidRequest", "The name in the path and the item's name differ.")
		return
	}
	if body.DeferCommit {
		graphError(w, r, 400, "notSupported", "deferCommit is not supported by this simulator.")
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	f := s.folderOf(w, r, g, parent)
	if f == nil {
		return
	}
	it := f.Files[strings.ToLower(name)]
	if !preconditions(w, r, it) {
		return
	}
	total := int64(-1)
	if body.Item.FileSize != nil {
		total = *body.Item.FileSize
	}
	s.t.drives.n++
	id := hex32(s.t.w.Seed, "upload", f.ID, name, s.t.drives.n, s.t.now().UnixNano())
	us := &uploadSession{ID: id, Folder: f, Name: name, Behavior: behavior, IfMatch: r.Header.Get("If-Match"),
		Total: total, Expires: s.t.now().Add(sessionLifetime), User: g.userID}
	s.t.drives.sessions[id] = us
	writeJSON(w, 200, map[string]any{
		"@odata.context":     s.graphBase() + "/$metadata#microsoft.graph.uploadSession",
		"uploadUrl":          s.base() + uploadPrefix + id + "?guid='" + guid(s.t.w.Seed, "tempauth", id) + "'&overwrite=" + strconv.FormatBool(behavior == "replace") + "&rename=" + strconv.FormatBool(behavior == "rename") + "&dc=0&tempauth=" + hex32(s.t.w.Seed, "tempauth", id),
		"expirationDateTime": graphTime(us.Expires),
		"nextExpectedRanges": []string{"0-"},
	})
}

var contentRangeRE = regexp.MustCompile(`^bytes (\d+)-(\d+)/(\d+)$`)

// uploadFragment serves an upload session's URL: PUT a fragment (with
// Content-Range, without Authorization), GET its status, DELETE it.
func (s *Server) uploadFragment(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		// The URL carries its own authorization; a bearer token is refused.
		graphError(w, r, 401, "unauthenticated", "Do not send an Authorization header to an upload URL.")
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	us := s.t.drives.session(r.PathValue("session"))
	if us == nil || s.t.now().After(us.Expires) {
		graphError(w, r, 404, "itemNotFound", "The upload session was not found or has expired.")
		return
	}
	status := func(code int) {
		writeJSON(w, code, map[string]any{"expirationDateTime": graphTime(us.Expires), "nextExpectedRanges": []string{fmt.Sprintf("%d-", len(us.Data))}})
	}
	switch r.Method {
	case http.MethodGet:
		status(200)
		return
	case http.MethodDelete:
		delete(s.t.drives.sessions, us.ID)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut:
	default:
		graphError(w, r, 405, "invalidRequest", "Method not allowed on an upload session.")
		return
	}
	m := contentRangeRE.FindStringSubmatch(r.Header.Get("Content-Range"))
	if m == nil {
		graphError(w, r, 400, "invalidRequest", "A fragment needs a Content-Range header: bytes START-END/TOTAL.")
		return
	}
	start, _ := strconv.ParseInt(m[1], 10, 64)
	end, _ := strconv.ParseInt(m[2], 10, 64)
	total, _ := strconv.ParseInt(m[3], 10, 64)
	if end < start || end >= total || end-start+1 >= fragmentMax {
		graphError(w, r, 400, "invalidRequest", "The Content-Range header is not valid: "+m[0])
		return
	}
	if us.Total >= 0 && total != us.Total {
		graphError(w, r, 400, "invalidRequest", fmt.Sprintf("The declared file size %d differs from the session's %d.", total, us.Total))
		return
	}
	if start != int64(len(us.Data)) {
		// A fragment the server holds already, or one out of order.
		graphError(w, r, 416, "invalidRange", fmt.Sprintf("The uploaded fragment overlaps with data that has already been received or is out of order; expected %d-.", len(us.Data)))
		return
	}
	n := end - start + 1
	if end+1 < total && n%fragmentUnit != 0 {
		graphError(w, r, 400, "invalidRequest", "Fragments other than the last must be a multiple of 320 KiB (327,680 bytes).")
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, n+1))
	if err != nil || int64(len(data)) != n {
		graphError(w, r, 400, "invalidRequest", "The fragment's length does not match its Content-Range.")
		return
	}
	us.Total = total
	us.Data = append(us.Data, data...)
	if int64(len(us.Data)) < total {
		status(202)
		return
	}
	// The last fragment completes the file, under the session's rules.
	f := us.Folder
	name := us.Name
	it := f.Files[strings.ToLower(name)]
	if us.IfMatch != "" && (it == nil || (us.IfMatch != "*" && us.IfMatch != it.eTag() && us.IfMatch != it.cTag())) {
		graphError(w, r, 412, "resourceModified", "ETag does not match current item's value")
		return
	}
	if it != nil {
		switch us.Behavior {
		case "fail":
			graphError(w, r, 409, "nameAlreadyExists", "Another file exists with the same name as the uploaded session. You can redirect the upload session to use a new filename by calling PUT with the new metadata and @microsoft.graph.sourceUrl attribute.")
			return
		case "rename":
			name = uniqueName(f, name)
		}
	}
	it, created := s.t.store(f, name, us.Data, us.User)
	delete(s.t.drives.sessions, us.ID)
	code := 200
	if created {
		code = 201
	}
	writeJSON(w, code, s.itemJSON(f, it))
}

func (d *driveState) session(id string) *uploadSession {
	if d == nil {
		return nil
	}
	return d.sessions[id]
}

// postChannelMessage starts a thread in a channel (201 with the message).
func (s *Server) postChannelMessage(w http.ResponseWriter, r *http.Request, g *grant) {
	body, ok := readPost(w, r)
	if !ok {
		return
	}
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	ch := s.channelFor(w, r, g)
	if ch == nil {
		return
	}
	m, err := s.t.post(ch.ID, "", g.userID, body.content, body.importance, body.subject)
	if err != nil {
		graphError(w, r, 400, "BadRequest", err.Error())
		return
	}
	out := s.messageJSON(m, preferUnknownEnums(r), s.graphBase())
	out["@odata.context"] = s.graphBase() + "/$metadata#teams('" + ch.TeamID + "')/channels('" + url.PathEscape(ch.ID) + "')/messages/$entity"
	writeJSON(w, 201, out)
}
