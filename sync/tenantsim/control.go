package tenantsim

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"
)

// The control API lets the demo and out-of-process tests act on the
// tenant "as another user would" and steer its faults. In-process tests
// call the Tenant methods directly.
func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_control/world", func(w http.ResponseWriter, r *http.Request) {
		s.t.mu.Lock()
		defer s.t.mu.Unlock()
		writeJSON(w, 200, s.summary())
	})
	mux.HandleFunc("POST /_control/messages", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Conv, ReplyTo, User, HTML string }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if b.User == "" {
			b.User = s.t.w.Customers[0].Contacts[0].ID
		}
		m, err := s.t.Post(b.Conv, b.ReplyTo, b.User, b.HTML)
		controlAnswer(w, m, err)
	})
	mux.HandleFunc("POST /_control/replies", func(w http.ResponseWriter, r *http.Request) {
		// Many replies to one thread at once (long threads).
		var b struct {
			Conv, Root string
			Count      int
		}
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		ms, err := s.t.AddReplies(b.Conv, b.Root, b.Count)
		controlAnswer(w, map[string]int{"added": len(ms)}, err)
	})
	mux.HandleFunc("PATCH /_control/messages", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Conv, ID, HTML string }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		m, err := s.t.Edit(b.Conv, b.ID, b.HTML)
		controlAnswer(w, m, err)
	})
	mux.HandleFunc("DELETE /_control/messages", func(w http.ResponseWriter, r *http.Request) {
		m, err := s.t.Delete(r.URL.Query().Get("conv"), r.URL.Query().Get("id"))
		controlAnswer(w, m, err)
	})
	mux.HandleFunc("POST /_control/faults", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Spec string }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		controlAnswer(w, s.FaultHits(), s.SetFaults(b.Spec))
	})
	mux.HandleFunc("GET /_control/rows", func(w http.ResponseWriter, r *http.Request) {
		rows := s.t.Rows(r.URL.Query().Get("set"))
		if rows == nil {
			rows = []Row{}
		}
		writeJSON(w, 200, rows)
	})
	mux.HandleFunc("DELETE /_control/rows", func(w http.ResponseWriter, r *http.Request) {
		// Another Dynamics user deletes a row.
		if err := s.t.DeleteRow(r.URL.Query().Get("set"), r.URL.Query().Get("id")); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PATCH /_control/rows", func(w http.ResponseWriter, r *http.Request) {
		// Another Dynamics user edits a row's columns.
		var cols Row
		if err := json.NewDecoder(r.Body).Decode(&cols); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := s.t.UpdateRow(r.URL.Query().Get("set"), r.URL.Query().Get("id"), cols); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_control/device", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Flow DeviceFlow }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s.t.SetDeviceFlow(b.Flow)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_control/expire-delta", func(w http.ResponseWriter, r *http.Request) {
		s.t.ExpireDeltaTokens()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_control/expire-tokens", func(w http.ResponseWriter, r *http.Request) {
		s.t.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	})
	// revoke: the user's password was reset ("sign out of all sessions");
	// challenge: a Continuous Access Evaluation event. Both act on the
	// signed-in user unless ?user= names another.
	mux.HandleFunc("POST /_control/revoke", func(w http.ResponseWriter, r *http.Request) {
		s.t.RevokeSignIn(r.URL.Query().Get("user"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_control/challenge", func(w http.ResponseWriter, r *http.Request) {
		s.t.ChallengeClaims(r.URL.Query().Get("user"))
		w.WriteHeader(http.StatusNoContent)
	})
	// The messages of a chat or channel, newest last (ground truth).
	mux.HandleFunc("GET /_control/messages", func(w http.ResponseWriter, r *http.Request) {
		ms, err := s.t.Messages(r.URL.Query().Get("conv"))
		type msg struct {
			ID      string `json:"id"`
			ReplyTo string `json:"replyTo,omitempty"`
			Author  string `json:"author"`
			HTML    string `json:"html"`
		}
		out := []msg{}
		for _, m := range ms {
			out = append(out, msg{m.ID, m.ReplyToID, m.AuthorID, m.HTML})
		}
		controlAnswer(w, out, err)
	})
	// A channel's Files: open its Files tab (provisions the folder), list
	// what it holds, or change a file as another member would.
	// The members of a team or channel as the tenant holds them, and the
	// Graph permissions the signed-in user consented to.
	mux.HandleFunc("GET /_control/members", func(w http.ResponseWriter, r *http.Request) {
		ms, err := s.t.Members(r.URL.Query().Get("container"))
		controlAnswer(w, ms, err)
	})
	mux.HandleFunc("GET /_control/team-settings", func(w http.ResponseWriter, r *http.Request) {
		s.t.mu.Lock()
		defer s.t.mu.Unlock()
		for _, tm := range s.t.w.Teams {
			if tm.ID == r.URL.Query().Get("team") {
				writeJSON(w, 200, tm.Settings)
				return
			}
		}
		http.Error(w, "no such team", http.StatusNotFound)
	})
	mux.HandleFunc("GET /_control/consent", func(w http.ResponseWriter, r *http.Request) {
		c := s.t.Consented(r.URL.Query().Get("user"))
		if c == nil {
			c = []string{}
		}
		writeJSON(w, 200, c)
	})
	mux.HandleFunc("POST /_control/files-tab", func(w http.ResponseWriter, r *http.Request) {
		controlAnswer(w, map[string]bool{"provisioned": true}, s.t.OpenFilesTab(r.URL.Query().Get("channel")))
	})
	mux.HandleFunc("GET /_control/files", func(w http.ResponseWriter, r *http.Request) {
		files := s.t.ChannelFiles(r.URL.Query().Get("channel"))
		if files == nil {
			files = []File{}
		}
		writeJSON(w, 200, files)
	})
	mux.HandleFunc("PUT /_control/files", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Channel, User, Name, Text string }
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if b.User == "" {
			b.User = s.t.w.Me.ID
		}
		controlAnswer(w, map[string]bool{"written": true}, s.t.PutFile(b.Channel, b.User, b.Name, []byte(b.Text)))
	})
}

func controlAnswer(w http.ResponseWriter, v any, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, 200, v)
}

// Summary describes the tenant for people and scripts.
type Summary struct {
	URLs      URLs   `json:"urls"`
	Seed      int64  `json:"seed"`
	Me        string `json:"signsInAs"`
	Users     int    `json:"users"`
	Guests    int    `json:"guests"`
	Customers int    `json:"customers"`
	Teams     int    `json:"teams"`
	Channels  int    `json:"channels"`
	Chats     int    `json:"chats"`
	Messages  int    `json:"generatedMessages"`
	Records   int    `json:"crmRecords"`
}

// summary is computed under t.mu.
func (s *Server) summary() Summary {
	w := s.t.w
	sum := Summary{URLs: s.URLs(), Seed: w.Seed, Me: w.Me.UPN, Users: len(s.t.users), Customers: len(w.Customers),
		Teams: len(w.Teams), Chats: len(w.Chats), Messages: w.Messages}
	for _, u := range s.t.users {
		if u.IsGuest() {
			sum.Guests++
		}
	}
	for _, t := range w.Teams {
		sum.Channels += len(t.Channels)
	}
	for _, e := range s.t.dv.sets {
		sum.Records += len(e.rows)
	}
	return sum
}

// Summary describes the tenant.
func (s *Server) Summary() Summary {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	return s.summary()
}

var pngCache sync.Map

// placeholderPNG draws a small image whose colours derive from id, so
// each inline image is distinct and stable.
func placeholderPNG(id string) []byte {
	if b, ok := pngCache.Load(id); ok {
		return b.([]byte)
	}
	h := hash64(0, "png", id)
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	bg := color.RGBA{uint8(h), uint8(h >> 8), uint8(h >> 16), 255}
	fg := color.RGBA{255 - bg.R, 255 - bg.G, 255 - bg.B, 255}
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			c := bg
			if (x/8+y/8)%2 == 0 {
				c = fg
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	pngCache.Store(id, buf.Bytes())
	return buf.Bytes()
}
