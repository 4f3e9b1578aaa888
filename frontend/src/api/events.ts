// Mirrors the event names in app/events.go.
export const Events = {
  settingsChanged: 'settings:changed',
} as const;
