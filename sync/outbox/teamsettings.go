package outbox

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/rapport-app/rapport/storage"
)

// TeamSettings reads and changes a team's member and guest settings
// (*graph.Client, with TeamSettings.ReadWrite.All for the change).
type TeamSettings interface {
	TeamSettings(ctx context.Context, teamID string) (storage.TeamSettings, error)
	SetTeamSettings(ctx context.Context, teamID string, set storage.TeamSettings) error
}

// changeSettings is storage/guests' ActSettings: op.Row holds the
// settings wanted (storage.TeamSettingKeys → bool).
const changeSettings = "settings"

// wantedSettings reads an operation's wanted settings; ok is false when
// it names a setting Rapport does not know or a value that is no bool.
func wantedSettings(op storage.Op) (storage.TeamSettings, bool) {
	want := storage.TeamSettings{}
	for k, v := range op.Row {
		b, isBool := v.(bool)
		if !isBool || !slices.Contains(storage.TeamSettingKeys, k) {
			return nil, false
		}
		want[k] = b
	}
	return want, len(want) > 0
}

// pushTeamSettings changes a team's settings. Every attempt first reads
// them: settings already as wanted (an earlier attempt that landed
// although its answer was lost, or someone else's change) are done
// without sending anything, and only the settings that differ are sent.
func pushTeamSettings(ctx context.Context, db Store, chats Chats, op storage.Op, now func() time.Time) (string, error) {
	ts, ok := chats.(TeamSettings)
	if !ok || ts == nil {
		return finish(ctx, db, op, storage.OpFailed, "team settings need a Microsoft Graph connection", nil, now)
	}
	want, ok := wantedSettings(op)
	if !ok {
		return finish(ctx, db, op, storage.OpFailed, "the change names no team setting Rapport knows", nil, now)
	}
	cur, err := ts.TeamSettings(ctx, op.Team)
	if err != nil {
		if transient(err) {
			return later(ctx, db, op, err, op.State, now) // unknown stays unknown
		}
		return settle(ctx, db, op, err, map[int]string{
			404: "the team no longer exists in Teams",
			403: "Teams refused to show the team's settings: you are no longer a member",
		}, now)
	}
	diff, after := storage.TeamSettings{}, storage.TeamSettings{}
	for k, v := range cur {
		after[k] = v
	}
	for k, v := range want {
		if got, known := cur[k]; !known || got != v {
			diff[k] = v
		}
		after[k] = v
	}
	// The store shows the settings as they now are, before the next
	// sync reads them (which it does only now and then).
	record := func() error {
		if err := db.SetTeamSettings(ctx, op.Team, after, now()); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		return nil
	}
	if len(diff) == 0 {
		if err := record(); err != nil {
			return "", err
		}
		return finish(ctx, db, op, storage.OpDone, "", nil, now)
	}
	if op, err = begin(ctx, db, op, now); err != nil {
		return "", err
	}
	err = ts.SetTeamSettings(ctx, op.Team, diff)
	if isStatus(err, 400) {
		return finish(ctx, db, op, storage.OpFailed, "Microsoft Teams refused: "+err.Error(), nil, now)
	}
	if err == nil {
		if err := record(); err != nil {
			return "", err
		}
	}
	return settle(ctx, db, op, err, map[int]string{
		404: "the team no longer exists in Teams",
		403: "Teams refused the change: only the team's owners can change its settings, or the permission was not granted",
	}, now)
}
