package tenantsim

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Message is one chat or channel message as the tenant knows it.
type Message struct {
	ID           string
	ReplyToID    string // channel replies: the root's id
	ChatID       string
	TeamID       string
	ChannelID    string
	Type         string // "message" or "systemEventMessage"
	Created      time.Time
	LastModified time.Time
	LastEdited   *time.Time
	Deleted      *time.Time
	Subject      string
	Importance   string
	Locale       string
	AuthorID     string // "" for system events and card posts
	App          *App   // card posts: the app or connector that posted
	HTML         string // may hold {{graph}} for the Graph base URL
	Mentions     []Mention
	Attachments  []Attachment
	Hosted       []string // hosted content ids of inline images
	Reactions    []Reaction
	Event        *Event
	Hostile      bool
	Text         string // the visible text of the body, or of a card post's card, one line per paragraph, fact or row of actions

	// Ground truth of generated messages, for tests that judge search
	// results (zero for posted messages): the language the body is written
	// in, the topics it is about (see Topics) and its hashtags without '#'.
	Lang     Lang
	Topics   []string
	Hashtags []string
}

// Mention is an @mention in a message body.
type Mention struct {
	ID     int
	UserID string
	Text   string
}

// Attachment is a file shared by reference or, when Card is set, a card.
type Attachment struct {
	ID      string
	Name    string // files
	URL     string // files
	Card    string // cards: the content type, e.g. CardAdaptive
	Content string // cards: the card, JSON
}

// IsFile reports whether the attachment is a file shared by reference.
func (a *Attachment) IsFile() bool { return a.Card == "" }

// Reaction is one user's reaction.
type Reaction struct {
	Type    string
	UserID  string
	Created time.Time
}

// Event is the detail of a system event message.
type Event struct {
	Type      string // e.g. "membersAdded", "chatRenamed"
	Initiator string
	Members   []string
	Name      string // chatRenamed: the new name
}

// ETag is the message's etag: its lastModified in epoch milliseconds.
func (m *Message) ETag() string { return strconv.FormatInt(m.LastModified.UnixMilli(), 10) }

// IsDeleted reports whether the message is a tombstone.
func (m *Message) IsDeleted() bool { return m.Deleted != nil }

// conv is a conversation's message store. Generated messages are computed
// from (seed, conversation id, index); only messages changed after
// generation (edits, deletions, reactions, new posts) are held as objects.
// All access happens under the tenant's lock.
type conv struct {
	w       *World
	id      string // chat id or channel id
	chat    *Chat
	channel *Channel
	team    *Team
	n       int // chats: messages; channels: root posts
	start   time.Time
	gap     time.Duration

	// overrides replaces generated messages that changed, by id.
	overrides map[string]*Message
	// added holds messages posted after generation, oldest first.
	added []*Message
	// changes records, per change sequence number, which thread changed
	// (the root id for channels; the message id for chats).
	changes []change
	// lastPosted is the creation time of the latest posted message.
	lastPosted time.Time
}

type change struct {
	seq  int64
	root string
}

// replyCount is the number of generated replies under root r of a channel.
func (c *conv) replyCount(r int) int {
	if c.channel == nil {
		return 0
	}
	h := hash64(c.w.Seed, "replies", c.id, r)
	switch {
	case h%10 < 4:
		return 0
	case h%10 < 7:
		return 1 + int(h>>8%2)
	default:
		return 2 + int(h>>8%5)
	}
}

// at is the creation time of generated item i (a chat message or a root).
func (c *conv) at(i int) time.Time {
	j := time.Duration(hash64(c.w.Seed, "jitter", c.id, i) % uint64(c.gap/2+1))
	return c.start.Add(time.Duration(i)*c.gap + j).Truncate(time.Millisecond)
}

// replyAt is the creation time of reply k of root r.
func (c *conv) replyAt(r, k, n int) time.Time {
	step := c.gap / time.Duration(2*(n+1))
	return c.at(r).Add(time.Duration(k+1) * step).Truncate(time.Millisecond)
}

// indexOf finds the generated item whose creation time is t, or -1.
func (c *conv) indexOf(t time.Time) int {
	i := sort.Search(c.n, func(i int) bool { return !c.at(i).Before(t) })
	if i < c.n && c.at(i).Equal(t) {
		return i
	}
	return -1
}

// generated returns generated item i (root when k < 0, else reply k of
// root i), ignoring overrides.
func (c *conv) generated(i, k int) *Message {
	var created time.Time
	var replyTo string
	if k < 0 {
		created = c.at(i)
	} else {
		created = c.replyAt(i, k, c.replyCount(i))
		replyTo = strconv.FormatInt(c.at(i).UnixMilli(), 10)
	}
	return c.w.compose(c, i, k, created, replyTo)
}

// get returns the current message with the given id (root or reply), or nil.
func (c *conv) get(id string) *Message {
	if m, ok := c.overrides[id]; ok {
		return m
	}
	for _, m := range c.added {
		if m.ID == id {
			return m
		}
	}
	ms, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil
	}
	t := time.UnixMilli(ms).UTC()
	if i := c.indexOf(t); i >= 0 {
		return c.generated(i, -1)
	}
	if c.channel == nil {
		return nil
	}
	// A reply: its root is the last root created before it.
	r := sort.Search(c.n, func(i int) bool { return c.at(i).After(t) }) - 1
	if r < 0 {
		return nil
	}
	n := c.replyCount(r)
	for k := 0; k < n; k++ {
		if c.replyAt(r, k, n).Equal(t) {
			return c.generated(r, k)
		}
	}
	return nil
}

// current applies overrides to a generated message.
func (c *conv) current(m *Message) *Message {
	if o, ok := c.overrides[m.ID]; ok {
		return o
	}
	return m
}

// roots lists root items (chat messages, or channel root posts) in
// creation order, generated then added, from root position from on; it
// calls yield with the current version of each until yield returns false.
func (c *conv) roots(from int, yield func(pos int, m *Message) bool) {
	for i := from; i < c.n; i++ {
		if !yield(i, c.current(c.generated(i, -1))) {
			return
		}
	}
	pos := c.n
	for _, m := range c.added {
		if m.ReplyToID != "" {
			continue
		}
		if pos >= from && !yield(pos, m) {
			return
		}
		pos++
	}
}

// rootAt returns the root at position p (see roots), or nil.
func (c *conv) rootAt(p int) *Message {
	var out *Message
	c.roots(p, func(_ int, m *Message) bool { out = m; return false })
	return out
}

// rootCount is the number of root items.
func (c *conv) rootCount() int {
	n := c.n
	for _, m := range c.added {
		if m.ReplyToID == "" {
			n++
		}
	}
	return n
}

// replies returns the current replies of root, oldest first.
func (c *conv) replies(root *Message) []*Message {
	var out []*Message
	if ms, err := strconv.ParseInt(root.ID, 10, 64); err == nil {
		if i := c.indexOf(time.UnixMilli(ms).UTC()); i >= 0 {
			n := c.replyCount(i)
			for k := 0; k < n; k++ {
				out = append(out, c.current(c.generated(i, k)))
			}
		}
	}
	for _, m := range c.added {
		if m.ReplyToID == root.ID {
			out = append(out, m)
		}
	}
	return out
}

// count is the number of messages, replies included.
func (c *conv) count() int {
	total := len(c.added)
	if c.channel == nil {
		return total + c.n
	}
	for r := 0; r < c.n; r++ {
		total += 1 + c.replyCount(r)
	}
	return total
}

// newestFirst lists chat messages by lastModifiedDateTime (or
// createdDateTime) descending, from position pos on; yield gets each
// message with its position. Changed and new messages carry later
// timestamps than any generated one, so they come first, newest first;
// generated messages follow in reverse index order (a changed one is not
// repeated there when sorting by lastModified). Positions let a page token
// resume without recomputing what came before.
func (c *conv) newestFirst(byCreated bool, pos int, yield func(pos int, m *Message) bool) {
	key := func(m *Message) time.Time {
		if byCreated {
			return m.Created
		}
		return m.LastModified
	}
	fresh := slices.Clone(c.added)
	if !byCreated {
		for _, m := range c.overrides {
			fresh = append(fresh, m)
		}
	}
	sort.SliceStable(fresh, func(a, b int) bool {
		ka, kb := key(fresh[a]), key(fresh[b])
		if !ka.Equal(kb) {
			return ka.After(kb)
		}
		return fresh[a].ID > fresh[b].ID
	})
	for ; pos < len(fresh); pos++ {
		if !yield(pos, fresh[pos]) {
			return
		}
	}
	for ; pos < len(fresh)+c.n; pos++ {
		i := c.n - 1 - (pos - len(fresh))
		g := c.generated(i, -1)
		if o, ok := c.overrides[g.ID]; ok {
			if !byCreated {
				continue
			}
			g = o
		}
		if !yield(pos, g) {
			return
		}
	}
}

// change records a change to the thread rooted at root (chats: the
// message) with the tenant's next change sequence number.
func (c *conv) recordChange(seq int64, root string) {
	c.changes = append(c.changes, change{seq, root})
}

// nextID returns an id for a message posted now: epoch milliseconds,
// after the previous post's and bumped past every existing id so ids stay
// unique (a burst of posts within a millisecond takes consecutive ids
// without probing each taken one).
func (c *conv) nextID(now time.Time) (string, time.Time) {
	t := now.UTC().Truncate(time.Millisecond)
	if !c.lastPosted.IsZero() && !t.After(c.lastPosted) {
		t = c.lastPosted.Add(time.Millisecond)
	}
	for c.get(strconv.FormatInt(t.UnixMilli(), 10)) != nil {
		t = t.Add(time.Millisecond)
	}
	c.lastPosted = t
	return strconv.FormatInt(t.UnixMilli(), 10), t
}

func (c *conv) String() string { return fmt.Sprintf("conv %s", c.id) }
