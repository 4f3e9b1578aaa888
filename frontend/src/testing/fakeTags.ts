// A stand-in for the Go Tags service in tests: it keeps tags per target,
// colours, and the last change for undo, and answers dry runs with counts
// without changing anything, as storage/tags does.
import { AppError, type TagEditResult, type TagList, type Transport } from '../api';
import type { LoggedCall } from './fakeLinks';

export interface FakeTagsOptions {
  items?: Record<string, string[]>; // target → tags
  hashtags?: Record<string, number>;
  matches?: Record<string, string[]>; // a bulk query → message targets
}

export function fakeTags(opts: FakeTagsOptions = {}) {
  const calls: LoggedCall[] = [];
  const state = { items: structuredClone(opts.items ?? {}), colors: {} as Record<string, string>, undo: null as null | { what: string; before: Record<string, string[]> } };
  const result = (what: string, dryRun: boolean, items: number): TagEditResult => ({ what, dryRun, items, added: 0, removed: 0, meta: 0, docs: items });
  // change applies f to every target (dry: counts only), kept for undo.
  const change = (what: string, dryRun: boolean, targets: string[], f: (tags: string[]) => string[]): TagEditResult => {
    const before: Record<string, string[]> = {};
    let n = 0;
    for (const target of targets) {
      const cur = state.items[target] ?? [];
      const next = [...new Set(f(cur))].sort();
      if (next.join() === cur.join()) continue;
      n++;
      if (!dryRun) {
        before[target] = cur;
        state.items[target] = next;
      }
    }
    if (!dryRun && n > 0) state.undo = { what, before };
    return result(what, dryRun, n);
  };
  const carrying = (tag: string) => Object.keys(state.items).filter((k) => state.items[k]!.includes(tag));
  const list = (): TagList => {
    const counts: Record<string, number> = {};
    for (const tags of Object.values(state.items)) for (const t of tags) counts[t] = (counts[t] ?? 0) + 1;
    return {
      tags: Object.keys(counts).sort().map((name) => ({ name, count: counts[name]!, ...(state.colors[name] ? { color: state.colors[name] as never } : {}) })),
      hashtags: Object.entries(opts.hashtags ?? {}).map(([name, count]) => ({ name, count })),
      ...(state.undo ? { undo: { what: state.undo.what, at: '2026-03-05T10:00:00Z', items: Object.keys(state.undo.before).length, meta: 0 } } : {}),
    };
  };
  const answer = (name: string, a: unknown[]): unknown => {
    switch (name) {
      case 'Tags.List':
        return list();
      case 'Tags.ForConversation': {
        const conv = a[0] as string;
        return Object.fromEntries(Object.entries(state.items).filter(([k]) => k === conv || k.includes(`/${conv}/`)));
      }
      case 'Tags.Set': {
        const [target, add, remove] = a as [string, string[], string[]];
        if ([...add, ...remove].some((t) => !/^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]*$/u.test(t))) throw new AppError('invalid_argument', 'letters, digits, _ and - only');
        const cur = (state.items[target] ?? []).filter((t) => !remove.includes(t));
        state.items[target] = [...new Set([...cur, ...add.map((t) => t.toLowerCase())])].sort();
        return state.items[target];
      }
      case 'Tags.Rename': {
        const [from, to, dry] = a as [string, string, boolean];
        return { ...change('rename', dry, carrying(from), (ts) => ts.map((t) => (t === from ? to : t))), what: 'rename' };
      }
      case 'Tags.Merge': {
        const [from, into, dry] = a as [string, string, boolean];
        return change('merge', dry, carrying(from), (ts) => ts.map((t) => (t === from ? into : t)));
      }
      case 'Tags.Delete': {
        const [tag, dry] = a as [string, boolean];
        return change('delete', dry, carrying(tag), (ts) => ts.filter((t) => t !== tag));
      }
      case 'Tags.Bulk': {
        const [q, add, remove, dry] = a as [string, string[], string[], boolean];
        const targets = opts.matches?.[q] ?? [];
        return { ...change('bulk', dry, targets, (ts) => [...ts.filter((t) => !remove.includes(t)), ...add]), matched: targets.length };
      }
      case 'Tags.Color': {
        const [tag, color] = a as [string, string];
        state.colors[tag] = color;
        return result('color', false, 0);
      }
      case 'Tags.Undo': {
        if (!state.undo) throw new AppError('not_found', 'a tag change to undo: not found');
        const n = Object.keys(state.undo.before).length;
        Object.assign(state.items, state.undo.before);
        state.undo = null;
        return result('undo', false, n);
      }
    }
    throw new AppError('not_found_method', name);
  };
  const t: Transport = {
    kind: 'http',
    async call(service, method, args) {
      const name = `${service}.${method}`;
      calls.push({ method: name, args });
      return answer(name, args);
    },
    on: () => () => {},
  };
  return { t, calls, state, of: (method: string) => calls.filter((c) => c.method === method).map((c) => c.args) };
}
