package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapport-app/rapport/storage"
	"github.com/rapport-app/rapport/storage/digest"
)

// Digests is the weekly-digest service the UI calls: an adapter over
// storage/digest (what a digest says) and the outbox (posting its Monday
// summary to a channel).
type Digests struct{ c *Core }

// DigestDoc is one built digest with its files' names and its Markdown
// (the preview the UI shows).
type DigestDoc struct {
	Digest       digest.Digest `json:"digest"`
	MarkdownName string        `json:"markdownName"`
	HTMLName     string        `json:"htmlName"`
	Markdown     string        `json:"markdown"`
}

// PublishRequest posts a week's summary to a channel.
type PublishRequest struct {
	Week    string `json:"week"`
	Lang    string `json:"lang,omitempty"`
	Team    string `json:"team"`    // team id
	Channel string `json:"channel"` // channel id
}

// ChannelChoice is a channel the summary can be posted to.
type ChannelChoice struct {
	Team        string `json:"team"`
	TeamName    string `json:"teamName"`
	Channel     string `json:"channel"`
	ChannelName string `json:"channelName"`
}

// Build computes the digests of a week (an account's, or the overview
// and every account's).
func (s *Digests) Build(req digest.Request) ([]DigestDoc, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	if req.Lang == "" {
		req.Lang = osLocale()
	}
	ds, err := digest.Week(s.c.ctx, db, req, time.Now())
	if err != nil {
		return nil, err
	}
	out := make([]DigestDoc, 0, len(ds))
	for _, d := range ds {
		fs := digest.Files(d)
		out = append(out, DigestDoc{Digest: d, MarkdownName: fs[0].Name, HTMLName: fs[1].Name, Markdown: string(fs[0].Data)})
	}
	return out, nil
}

// queueDigestPost queues the overview's summary of a week to a channel.
func queueDigestPost(ctx context.Context, db *storage.DB, req PublishRequest) (storage.Op, error) {
	ds, err := digest.Week(ctx, db, digest.Request{Week: req.Week, Lang: req.Lang}, time.Now())
	if err != nil {
		return storage.Op{}, err
	}
	return digest.QueuePost(ctx, db, ds[0], req.Week, req.Team, req.Channel, time.Now().UTC())
}

// Publish queues the week's summary (the overview) as a post in a
// channel, once: asking again returns the post already queued or done.
func (s *Digests) Publish(req PublishRequest) (storage.Op, error) {
	db, err := s.c.store()
	if err != nil {
		return storage.Op{}, err
	}
	if req.Lang == "" {
		req.Lang = osLocale()
	}
	return queueDigestPost(s.c.ctx, db, req)
}

// Publications lists the posts of a week's summary, oldest first, with
// their outbox state.
func (s *Digests) Publications(week string) ([]storage.Op, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	return digest.Publications(s.c.ctx, db, week)
}

// Channels lists the channels of the synced teams.
func (s *Digests) Channels() ([]ChannelChoice, error) {
	db, err := s.c.store()
	if err != nil {
		return nil, err
	}
	return channelChoices(s.c.ctx, db)
}

func channelChoices(ctx context.Context, db *storage.DB) ([]ChannelChoice, error) {
	teams, err := db.Teams(ctx)
	if err != nil {
		return nil, err
	}
	out := []ChannelChoice{}
	for _, t := range teams {
		chs, err := db.Channels(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, ch := range chs {
			out = append(out, ChannelChoice{Team: t.ID, TeamName: t.Name, Channel: ch.ID, ChannelName: ch.Name})
		}
	}
	slices.SortFunc(out, func(a, b ChannelChoice) int {
		return strings.Compare(a.TeamName+"\x00"+a.ChannelName, b.TeamName+"\x00"+b.ChannelName)
	})
	return out, nil
}

// findChannel resolves TEAM/CHANNEL (names or ids; a team's name may
// itself hold "/").
func findChannel(ctx context.Context, db *storage.DB, text string) (ChannelChoice, error) {
	all, err := channelChoices(ctx, db)
	if err != nil {
		return ChannelChoice{}, err
	}
	var found []ChannelChoice
	for i := 0; i < len(text); i++ {
		if text[i] != '/' {
			continue
		}
		team, ch := text[:i], text[i+1:]
		for _, c := range all {
			if (c.Team == team || strings.EqualFold(c.TeamName, team)) && (c.Channel == ch || strings.EqualFold(c.ChannelName, ch)) {
				found = append(found, c)
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return ChannelChoice{}, fmt.Errorf("%w: no channel %q (TEAM/CHANNEL, by name or id; sync first)", errInvalid, text)
	}
	return ChannelChoice{}, fmt.Errorf("%w: %q names %d channels: use ids", errInvalid, text, len(found))
}
