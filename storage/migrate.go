package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. docs/design.md lists the buckets later schema versions add.
var (
	bucketMeta     = []byte("meta")
	bucketSettings = []byte("settings")

	bucketUsers    = []byte("users")    // (userId) -> User
	bucketTeams    = []byte("teams")    // (teamId) -> Team
	bucketChannels = []byte("channels") // (teamId, channelId) -> Channel
	bucketChats    = []byte("chats")    // (chatId) -> Chat
	bucketMembers  = []byte("members")  // (containerId, userId) -> Member
	bucketConvs    = []byte("convs")    // (convId) -> conversation number, u64 BE
	bucketMessages = []byte("messages") // (conv no., -created, messageId) -> Message and Body, newest first
	bucketMsgIDs   = []byte("msg_ids")  // (conv no., messageId) -> -created i64 BE + deleted flag byte
	bucketHosted   = []byte("hosted")   // (conv no., messageId, hostedContentId) -> image bytes
	bucketRecords  = []byte("records")  // (set, id) -> Record
	bucketCursors  = []byte("cursors")  // (source) -> Cursor

	bucketIndexQ = []byte("indexq") // (seq u64 BE) -> document id waiting to be indexed

	bucketLinks         = []byte("links")           // (chatId, set, recordId) -> Link
	bucketLinksByRecord = []byte("links_by_record") // (set, recordId, chatId) -> nothing
	bucketOutbox        = []byte("outbox")          // (seq u64 BE) -> Op
	bucketOutboxByState = []byte("outbox_by_state") // (state, seq u64 BE) -> nothing
	bucketRecordChanges = []byte("record_changes")  // (set, id, at) -> RecordChange

	bucketItemTags = []byte("item_tags") // (target) -> the target's tags, JSON
	bucketTags     = []byte("tags")      // (tag, target) -> nothing
	bucketTagMeta  = []byte("tag_meta")  // (tag) -> TagMeta
	bucketTagUndo  = []byte("tag_undo")  // the last journaled tag change (storage/tags.go)

	bucketKnowledge = []byte("knowledge") // (kind, id) -> best conversation, FAQ entry or template, JSON (storage/knowledge.go)
)

// Keys in the meta bucket.
var (
	metaSchemaVersion = []byte("schema_version")
	metaCreated       = []byte("created")
	metaIndexQDone    = []byte("indexq_done") // u64 BE: queue entries up to here are indexed and removed
	metaMsgCounts     = []byte("msg_counts")  // u64 BE messages, u64 BE of them tombstones (Status; kept by PutMessage)
)

// migration moves the schema from version-1 to version. Migrations run in
// order, each exactly once, inside the transaction that opens the store.
type migration struct {
	version int
	name    string
	apply   func(tx *bolt.Tx) error
}

// migrations is the schema history. Append only: never edit or reorder an
// entry that has shipped.
var migrations = []migration{
	{1, "meta and settings", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSettings} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		created := time.Now().UTC().Format(time.RFC3339Nano)
		return tx.Bucket(bucketMeta).Put(metaCreated, []byte(created))
	}},
	{2, "synced Teams and Dataverse data", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketUsers, bucketTeams, bucketChannels, bucketChats, bucketMembers,
			bucketConvs, bucketMessages, bucketMsgIDs, bucketHosted, bucketRecords, bucketCursors} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
	{3, "search index queue", func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketIndexQ); err != nil {
			return err
		}
		// Whatever schema 2 holds is not in any index yet: the first
		// search.Open finds no index and rebuilds from the store.
		return nil
	}},
	{4, "record links and the outbox", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketLinks, bucketLinksByRecord, bucketOutbox, bucketOutboxByState, bucketRecordChanges} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
	{5, "card content", relistCardConversations},
	{6, "link rows by chat and by record", indexLinkRows},
	{7, "user tags", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketItemTags, bucketTags, bucketTagMeta, bucketTagUndo} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
	{8, "knowledge base", func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketKnowledge)
		return err
	}},
	{9, "message counts", countMessages},
}

// countMessages writes the message counts Status reads, counted once;
// PutMessage keeps them from then on.
func countMessages(tx *bolt.Tx) error {
	c, err := walkMsgCounts(tx)
	if err != nil {
		return err
	}
	return c.put(tx)
}

// walkMsgCounts counts the messages by reading every message's key.
func walkMsgCounts(tx *bolt.Tx) (msgCounts, error) {
	var c msgCounts
	err := tx.Bucket(bucketMsgIDs).ForEach(func(_, v []byte) error {
		c.messages++
		if tombstone(v) {
			c.tombstones++
		}
		return nil
	})
	return c, err
}

// tombstone reports whether a msg_ids value marks a deleted message.
func tombstone(v []byte) bool { return len(v) == 9 && v[8] == 1 }

// msgCounts are how many messages the store holds, and how many of them
// are tombstones.
type msgCounts struct{ messages, tombstones int64 }

func readMsgCounts(tx *bolt.Tx) msgCounts {
	v := tx.Bucket(bucketMeta).Get(metaMsgCounts)
	if len(v) != 16 {
		return msgCounts{}
	}
	return msgCounts{int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))}
}

func (c msgCounts) put(tx *bolt.Tx) error {
	v := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(c.messages)), uint64(c.tombstones))
	if err := tx.Bucket(bucketMeta).Put(metaMsgCounts, v); err != nil {
		return fmt.Errorf("message counts: %w", err)
	}
	return nil
}

// relistCardConversations makes the next sync list again every
// conversation holding a card whose content an older Rapport did not keep
// (Body.Cards): a chat's cursor and a channel's backfill cursor are
// dropped, so their messages are fetched whole and upserted with their
// cards. Nothing else is lost: messages stay, and delta links stay.
func relistCardConversations(tx *bolt.Tx) error {
	msgs, convs, cursors := tx.Bucket(bucketMessages), tx.Bucket(bucketConvs), tx.Bucket(bucketCursors)
	if msgs == nil || convs == nil || cursors == nil {
		return nil
	}
	stale := map[int64]bool{}
	err := msgs.ForEach(func(k, v []byte) error {
		if !bytes.Contains(v, []byte(`"application/vnd.`)) { // cheap: most messages have no card
			return nil
		}
		var sm storedMessage
		if err := json.Unmarshal(v, &sm); err != nil {
			return fmt.Errorf("decode message: %w", err)
		}
		if sm.Deleted != nil || len(sm.Cards) > 0 {
			return nil
		}
		for _, a := range sm.Attachments {
			if IsCard(a.ContentType) {
				r := keyReader{b: k}
				no := r.i64()
				if r.err != nil {
					return fmt.Errorf("message key: %w", r.err)
				}
				stale[no] = true
				break
			}
		}
		return nil
	})
	if err != nil || len(stale) == 0 {
		return err
	}
	return convs.ForEach(func(k, v []byte) error {
		if len(v) != 8 || !stale[int64(binary.BigEndian.Uint64(v))] {
			return nil
		}
		r := keyReader{b: k}
		id := r.str()
		if err := r.done(); err != nil {
			return fmt.Errorf("conversation key: %w", err)
		}
		for _, src := range []string{"chat:" + id, "history:" + id} {
			if err := cursors.Delete(key(nil).str(src)); err != nil {
				return fmt.Errorf("drop cursor %s: %w", src, err)
			}
		}
		return nil
	})
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return migrations[len(migrations)-1].version }

func schemaVersion(tx *bolt.Tx) int {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0
	}
	v := b.Get(metaSchemaVersion)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

// migrate applies every migration above the stored version, then records the
// new version. The caller's transaction makes the whole step atomic.
func migrate(tx *bolt.Tx, ms []migration) error {
	if _, err := tx.CreateBucketIfNotExists(bucketMeta); err != nil {
		return fmt.Errorf("create meta bucket: %w", err)
	}
	have := schemaVersion(tx)
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if have > latest {
		return fmt.Errorf("%w: file has schema %d, this Rapport knows up to %d; upgrade Rapport", ErrSchemaTooNew, have, latest)
	}
	for i, m := range ms {
		if i > 0 && m.version != ms[i-1].version+1 || i == 0 && m.version != 1 {
			return fmt.Errorf("migration %q has version %d out of sequence", m.name, m.version)
		}
		if m.version <= have {
			continue
		}
		if err := m.apply(tx); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if err := tx.Bucket(bucketMeta).Put(metaSchemaVersion, binary.BigEndian.AppendUint64(nil, uint64(m.version))); err != nil {
			return fmt.Errorf("record schema version %d: %w", m.version, err)
		}
	}
	return nil
}
