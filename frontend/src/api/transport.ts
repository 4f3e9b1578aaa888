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

function httpTransport(): Transport {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<Handler>>();
  const ensureSource = (): EventSource => {
    if (source) return source;
    source = new EventSource('/api/events');
    return source;
  };
  return {
    kind: 'http',
    async call(service, method, args) {
      let res: Response;
      try {
        res = await fetch(`/api/call/${service}.${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
          credentials: 'same-origin',
        });
      } catch (e) {
        throw new AppError('offline', `Rapport is not answering (${String(e)}). Is \`rapport serve\` still running?`);
      }
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) throw isErrorBody(body) ? fromBody(body) : new AppError('internal', `HTTP ${res.status}`);
      return body;
    },
    on(event, handler) {
      const es = ensureSource();
      let set = listeners.get(event);
      if (!set) {
        const s = new Set<Handler>();
        listeners.set(event, s);
        es.addEventListener(event, (m) => {
          const data: unknown = JSON.parse((m as MessageEvent<string>).data);
          s.forEach((h) => h(data));
        });
        set = s;
      }
      set.add(handler);
      return () => set.delete(handler);
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
