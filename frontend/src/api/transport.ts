// The only code that knows whether Rapport runs in its Wails window or in a
// browser. Both transports call the same Go methods with the same JSON.

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    // The connection field the error is about and why, when Go says so.
    readonly field?: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export type Handler = (data: unknown) => void;

export interface Transport {
  readonly kind: 'wails' | 'http';
  call(service: string, method: string, args: unknown[]): Promise<unknown>;
  on(event: string, handler: Handler): () => void;
}

type BoundMethod = (...args: unknown[]) => Promise<unknown>;

interface WailsWindow {
  go?: { app?: Record<string, Record<string, BoundMethod | undefined> | undefined> };
  runtime?: { EventsOn(name: string, cb: Handler): () => void };
}

interface ErrorShape {
  code: string;
  message: string;
  field?: string;
  reason?: string;
}

const fromBody = (b: ErrorShape) => new AppError(b.code, b.message, b.field || undefined, b.reason || undefined);

function isErrorBody(v: unknown): v is ErrorShape {
  return typeof v === 'object' && v !== null && typeof (v as { code?: unknown }).code === 'string' &&
    typeof (v as { message?: unknown }).message === 'string';
}

// toAppError normalises what a failed call rejects with: Wails rejects with
// the ErrorFormatter's {code, message} (newer runtimes wrap it in an Error,
// older ones send a string); HTTP answers with the same JSON body.
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isErrorBody(e)) return fromBody(e);
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  try {
    const parsed: unknown = JSON.parse(text);
    if (isErrorBody(parsed)) return fromBody(parsed);
  } catch {
    // not JSON: fall through
  }
  return new AppError('internal', text || 'unknown error');
}

function wailsTransport(w: WailsWindow): Transport | null {
  const services = w.go?.app;
  const runtime = w.runtime;
  if (!services || !runtime) return null;
  return {
    kind: 'wails',
    async call(service, method, args) {
      const fn = services[service]?.[method];
      if (!fn) throw new AppError('not_found_method', `no such call ${service}.${method}`);
      try {
        return await fn(...args);
      } catch (e) {
        throw toAppError(e);
      }
    },
    on: (event, handler) => runtime.EventsOn(event, handler),
  };
}

// Browser mode's session. The URL `rapport serve` prints carries a
// one-time key (?k=); the page trades it for the launch's session token
// (POST /api/session), drops it from the address bar, and keeps the token
// in sessionStorage: per origin (so per port) and per tab, and sent only
// in a header, never as a cookie (browsers send 127.0.0.1 cookies to
// every local port). A reload keeps the tab's token; another tab needs
// a URL of its own, or is a duplicate of this one (which copies
// sessionStorage).
const sessionItem = 'rapport.session';
const sessionHeader = 'X-Rapport-Session';
const keyParam = 'k';

async function bootstrap(): Promise<string> {
  const here = new URL(window.location.href);
  const key = here.searchParams.get(keyParam);
  if (key !== null) {
    here.searchParams.delete(keyParam);
    window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
    try {
      const res = await fetch('/api/session', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ key }),
        credentials: 'omit',
      });
      const body: unknown = await res.json().catch(() => null);
      const token = (body as { token?: unknown } | null)?.token;
      if (res.ok && typeof token === 'string') {
        window.sessionStorage.setItem(sessionItem, token);
        return token;
      }
    } catch {
      // Rapport is not answering: calls will say so.
    }
  }
  return window.sessionStorage.getItem(sessionItem) ?? '';
}

export interface ServerEvent {
  name: string;
  data: string;
}

// parseEvents splits a Server-Sent Events text into events, returning
// them and the unfinished rest (to prepend to the next chunk).
export function parseEvents(text: string): { events: ServerEvent[]; rest: string } {
  const events: ServerEvent[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let name = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ name, data: data.join('\n') });
  }
  return { events, rest };
}

function httpTransport(): Transport {
  const session = bootstrap();
  const listeners = new Map<string, Set<Handler>>();
  let streaming = false;
  const headers = async (extra: Record<string, string> = {}) => ({ ...extra, [sessionHeader]: await session });

  // stream reads GET /api/events with fetch (EventSource cannot send the
  // header) and reconnects after a pause when the stream ends.
  const stream = async () => {
    let pause = 500;
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers: await headers(), cache: 'no-store', credentials: 'omit' });
        if (res.status === 401 || res.status === 403) return; // no session: nothing to wait for
        if (res.ok && res.body) {
          pause = 500;
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            const { events, rest } = parseEvents(buf + value);
            buf = rest;
            for (const ev of events) {
              const set = listeners.get(ev.name);
              if (!set || set.size === 0) continue;
              const data: unknown = JSON.parse(ev.data);
              set.forEach((h) => h(data));
            }
          }
        }
      } catch {
        // Rapport went away or the stream broke: try again.
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  };

  return {
    kind: 'http',
    async call(service, method, args) {
      let res: Response;
      try {
        res = await fetch(`/api/call/${service}.${method}`, {
          method: 'POST',
          headers: await headers({ 'Content-Type': 'application/json' }),
          body: JSON.stringify(args),
          credentials: 'omit',
        });
      } catch (e) {
        throw new AppError('offline', `Rapport is not answering (${String(e)}). Is \`rapport serve\` still running?`);
      }
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) throw isErrorBody(body) ? fromBody(body) : new AppError('internal', `HTTP ${res.status}`);
      return body;
    },
    on(event, handler) {
      if (!streaming) {
        streaming = true;
        void stream();
      }
      let set = listeners.get(event);
      if (!set) {
        set = new Set<Handler>();
        listeners.set(event, set);
      }
      const s = set;
      s.add(handler);
      return () => s.delete(handler);
    },
  };
}

let current: Transport | null = null;

export function transport(): Transport {
  current ??= wailsTransport(window as unknown as WailsWindow) ?? httpTransport();
  return current;
}

// setTransport replaces the transport (tests).
export function setTransport(t: Transport | null): void {
  current = t;
}
