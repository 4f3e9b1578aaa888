// The event names the UI subscribes to, generated from app/*.go's
// constants (EventNames in types.gen.ts); their payloads are EventPayloads.
export { EventNames as Events } from './types.gen';
