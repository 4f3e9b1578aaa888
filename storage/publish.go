package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Publishing through the outbox: files uploaded to a channel's Files
// (OpUpload), threads started in a channel (OpPost) and knowledge
// articles created in Dynamics 365 (an OpCreate of knowledgearticles).
// A publication names a key (what it publishes: "digest/2026-W48/…"):
// queuing the same key and the same content again returns the operation
// already queued or done, so a publication happens once however often it
// is asked for. An upload's bytes wait in their own bucket until it is
// done; what Rapport last uploaded under a name in a channel (its eTag)
// is kept, so a later upload replaces that file only while nobody else
// changed it.
//
// The two buckets are made on first use (they need no migration: a store
// without them has published nothing).
var (
	bucketOutboxFiles = []byte("outbox_files") // (op id) -> the bytes to upload
	bucketPublished   = []byte("published")    // (team, channel, lower-case name) -> Upload
)

// Upload is what Rapport last uploaded under a name in a channel.
type Upload struct {
	Team     string    `json:"team"`
	Channel  string    `json:"channel"`
	Name     string    `json:"name"`
	ItemID   string    `json:"itemId"`
	ETag     string    `json:"eTag"`
	Size     int64     `json:"size"`
	QuickXor string    `json:"quickXorHash"`
	WebURL   string    `json:"webUrl,omitempty"`
	Op       string    `json:"op"`
	At       time.Time `json:"at"`
}

func publishedKey(team, channel, name string) []byte {
	return key(nil).str(team).str(channel).str(strings.ToLower(name))
}

// sameOp finds a queued or done operation of the key (failed, conflicting
// and discarded ones do not count: asking again queues anew).
func sameOp(tx *bolt.Tx, k string, match func(Op) bool) (Op, bool, error) {
	if k == "" {
		return Op{}, false, nil
	}
	for _, seq := range seqsIn(tx, OpPending, OpInFlight, OpDone) {
		op, err := getOp(tx, seq)
		if err != nil {
			return Op{}, false, err
		}
		if op.Key == k && match(op) {
			return op, true, nil
		}
	}
	return Op{}, false, nil
}

// QueueUpload queues the upload of data as op.File to the channel
// op.Team/op.Channel. When an upload of the same key, name and bytes is
// already queued or done, it returns that one (and queues nothing).
func (db *DB) QueueUpload(ctx context.Context, op Op, data []byte, now time.Time) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	if op.Team == "" || op.Channel == "" || op.File == "" {
		return Op{}, fmt.Errorf("queue upload: a team, a channel and a file name are needed")
	}
	if err := CheckFileName(op.File); err != nil {
		return Op{}, err
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		files, err := tx.CreateBucketIfNotExists(bucketOutboxFiles)
		if err != nil {
			return fmt.Errorf("outbox files: %w", err)
		}
		sum := sha256.Sum256(data)
		digest := hex.EncodeToString(sum[:])
		prev, ok, err := sameOp(tx, op.Key, func(p Op) bool {
			return p.Kind == OpUpload && p.Team == op.Team && p.Channel == op.Channel && p.File == op.File && p.Digest == digest
		})
		if err != nil || ok {
			op = prev
			return err
		}
		seq, err := tx.Bucket(bucketOutbox).NextSequence()
		if err != nil {
			return fmt.Errorf("number operation: %w", err)
		}
		op.Kind, op.Seq, op.ID, op.State, op.Created, op.Updated = OpUpload, seq, NewID(), OpPending, now, now
		op.Size, op.Digest, op.Attempts, op.Error, op.Server, op.NotBefore = int64(len(data)), digest, 0, "", nil, time.Time{}
		if err := files.Put([]byte(op.ID), data); err != nil {
			return fmt.Errorf("keep the file to upload: %w", err)
		}
		return putOp(tx, op, "")
	})
	if err != nil {
		return Op{}, err
	}
	return op, nil
}

// QueuePost queues a thread to start in the channel op.Team/op.Channel
// with the HTML op.Body. A post of the same key and body already queued
// or done is returned instead.
func (db *DB) QueuePost(ctx context.Context, op Op, now time.Time) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	if op.Team == "" || op.Channel == "" || strings.TrimSpace(op.Body) == "" {
		return Op{}, fmt.Errorf("queue post: a team, a channel and a message are needed")
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		prev, ok, err := sameOp(tx, op.Key, func(p Op) bool {
			return p.Kind == OpPost && p.Team == op.Team && p.Channel == op.Channel && p.Body == op.Body
		})
		if err != nil || ok {
			op = prev
			return err
		}
		seq, err := tx.Bucket(bucketOutbox).NextSequence()
		if err != nil {
			return fmt.Errorf("number operation: %w", err)
		}
		op.Kind, op.Seq, op.ID, op.State, op.Created, op.Updated = OpPost, seq, NewID(), OpPending, now, now
		op.Attempts, op.Error, op.Server, op.NotBefore = 0, "", nil, time.Time{}
		return putOp(tx, op, "")
	})
	if err != nil {
		return Op{}, err
	}
	return op, nil
}

// QueueArticle queues the creation of a Dynamics 365 knowledge article
// (a Draft: Rapport never publishes it) with a client-made id: title,
// content (sanitized HTML) and keywords. The same key and title already
// queued or done returns that create.
func (db *DB) QueueArticle(ctx context.Context, k, title, html string, keywords []string, by string, now time.Time) (Op, error) {
	if strings.TrimSpace(title) == "" {
		return Op{}, fmt.Errorf("queue article: a title is needed")
	}
	var found Op
	var ok bool
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		found, ok, err = sameOp(tx, k, func(p Op) bool { return p.Kind == OpCreate && p.Set == "knowledgearticles" && p.Subject == title })
		return err
	}); err != nil || (ok && k != "") {
		return found, err
	}
	row := map[string]any{"title": title, "content": html, "keywords": strings.Join(keywords, ",")}
	return db.QueueCreate(ctx, Op{Set: "knowledgearticles", RecordID: NewID(), Subject: title, Row: row, By: by, Key: k}, "", now)
}

// OpFile returns the bytes an upload waits to send (ErrNotFound once it
// is done: they are dropped then).
func (db *DB) OpFile(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []byte
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutboxFiles)
		var v []byte
		if b != nil {
			v = b.Get([]byte(id))
		}
		if v == nil {
			return fmt.Errorf("file of operation %s: %w", id, ErrNotFound)
		}
		out = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

// LastUpload returns what Rapport last uploaded under name in a channel.
func (db *DB) LastUpload(ctx context.Context, team, channel, name string) (Upload, bool, error) {
	if err := ctx.Err(); err != nil {
		return Upload{}, false, err
	}
	var u Upload
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPublished)
		if b == nil {
			return nil
		}
		v := b.Get(publishedKey(team, channel, name))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &u)
	})
	return u, ok, err
}

// FinishUpload marks an upload done, records what landed (its eTag) and
// drops the bytes it kept, in one transaction.
func (db *DB) FinishUpload(ctx context.Context, seq uint64, up Upload, now time.Time) (Op, error) {
	if err := ctx.Err(); err != nil {
		return Op{}, err
	}
	var out Op
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		op, err := getOp(tx, seq)
		if err != nil {
			return err
		}
		if op.Kind != OpUpload {
			return fmt.Errorf("%w: operation %d is not an upload", ErrState, seq)
		}
		old := op.State
		op.State, op.Error, op.Server, op.Updated, op.NotBefore = OpDone, "", nil, now, time.Time{}
		if err := putOp(tx, op, old); err != nil {
			return err
		}
		up.Team, up.Channel, up.Name, up.Op, up.At = op.Team, op.Channel, op.File, op.ID, now
		raw, err := json.Marshal(up)
		if err != nil {
			return err
		}
		pb, err := tx.CreateBucketIfNotExists(bucketPublished)
		if err != nil {
			return err
		}
		if err := pb.Put(publishedKey(op.Team, op.Channel, op.File), raw); err != nil {
			return err
		}
		if fb := tx.Bucket(bucketOutboxFiles); fb != nil {
			if err := fb.Delete([]byte(op.ID)); err != nil {
				return err
			}
		}
		out = op
		return nil
	})
	return out, err
}

// fileNameBad holds what file names in Files may not contain.
const fileNameBad = `"*:<>?/\|#%`

// CheckFileName refuses names SharePoint, Windows, macOS or Linux would
// not take: empty, too long, with reserved characters or control
// characters, leading or trailing spaces or dots, reserved device names.
func CheckFileName(name string) error {
	bad := func(why string) error { return fmt.Errorf("file name %q: %s", name, why) }
	switch {
	case name == "" || len(name) > 255:
		return bad("must have 1 to 255 bytes")
	case strings.ContainsAny(name, fileNameBad):
		return bad("must not contain any of " + fileNameBad)
	case strings.TrimSpace(name) != name || strings.HasSuffix(name, ".") || strings.HasPrefix(name, "."):
		return bad("must not start or end with a space or a dot")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return bad("must not contain control characters")
		}
	}
	stem, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return bad("is a reserved device name")
	}
	return nil
}
