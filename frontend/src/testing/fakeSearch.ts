// A stand-in for the Go Search service in tests: records calls and lets a
// test answer each one when it wants (to reorder answers) or at once.
import { act } from '@testing-library/react';
import { AppError, type ContextPage, type Facet, type SavedSearch, type SearchHit, type SearchRequest, type SearchResult, type Transport } from '../api';

export interface Call {
  method: string;
  args: unknown[];
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export function messageHit(i: number, q = 'q', over: Partial<SearchHit> = {}): SearchHit {
  return {
    id: `hit-${q}-${i}`,
    kind: 'message',
    score: 1,
    conv: { id: `conv-${i % 3}`, kind: 'channel', name: 'Support', team: 'Contoso' },
    message: { id: `msg-${i}`, created: '2026-03-04T09:30:00Z', from: `Sender ${i}`, importance: 'normal' },
    snippet: [{ t: `row ${i} of ` }, { t: q, hit: true }],
    ...over,
  };
}

export function page(req: SearchRequest, total: number, extra: Partial<SearchResult> = {}, facets: Facet[] = []): SearchResult {
  const n = Math.max(0, Math.min(req.size, total - req.offset));
  return {
    q: req.q,
    total,
    tookMs: 8,
    hits: Array.from({ length: n }, (_, k) => messageHit(req.offset + k, req.q)),
    ...(req.facets ? { facets } : {}),
    index: { state: 'ready', indexed: total, queued: 0 },
    ...extra,
  };
}

export function fakeSearch(opts: { manual?: boolean; total?: number; facets?: Facet[]; saved?: SavedSearch[] } = {}) {
  const calls: Call[] = [];
  const handlers = new Map<string, ((d: unknown) => void)[]>();
  let saved = opts.saved ?? [];
  const auto = (method: string, args: unknown[]): unknown => {
    switch (method) {
      case 'Search.Query':
        return page(args[0] as SearchRequest, opts.total ?? 120, {}, opts.facets ?? []);
      case 'Search.Context': {
        const [convId, msgId] = args as [string, string];
        const ctx: ContextPage = {
          conv: { id: convId, kind: 'channel', name: 'Support', team: 'Contoso' },
          target: msgId,
          messages: ['before', msgId, 'after'].map((id, k) => ({
            id, type: 'message', created: `2026-03-04T09:3${k}:00Z`, importance: 'normal', from: 'Li Wei', html: `<p>body ${id}</p>`,
          })),
        };
        return ctx;
      }
      case 'Search.Saved':
        return saved;
      case 'Search.Save':
        saved = [...saved, { id: `s${saved.length + 1}`, name: args[0] as string, q: args[1] as string, created: '2026-03-05T00:00:00Z' }];
        return saved;
      case 'Search.DeleteSaved':
        saved = saved.filter((s) => s.id !== args[0]);
        return saved;
    }
    throw new AppError('not_found_method', method);
  };
  const t: Transport = {
    kind: 'http',
    call(service, method, args) {
      const name = `${service}.${method}`;
      return new Promise((resolve, reject) => {
        calls.push({ method: name, args, resolve, reject });
        if (!opts.manual || name !== 'Search.Query') {
          try {
            resolve(auto(name, args));
          } catch (e) {
            reject(e);
          }
        }
      });
    },
    on(event, h) {
      handlers.set(event, [...(handlers.get(event) ?? []), h]);
      return () => handlers.set(event, (handlers.get(event) ?? []).filter((x) => x !== h));
    },
  };
  return {
    t,
    calls,
    queries: () => calls.filter((c) => c.method === 'Search.Query').map((c) => c.args[0] as SearchRequest),
    of: (method: string) => calls.filter((c) => c.method === method),
    emit: (event: string, data: unknown) => act(() => (handlers.get(event) ?? []).forEach((h) => h(data))),
  };
}
