// Mirrors the event names in app/events.go.
export const Events = {
  settingsChanged: 'settings:changed',
  syncProgress: 'sync:progress',
  syncDone: 'sync:done',
  signedIn: 'auth:signed-in',
  signInFailed: 'auth:failed',
  searchProgress: 'search:progress',
  outboxPushed: 'outbox:pushed',
  connectionChanged: 'connection:changed',
} as const;
