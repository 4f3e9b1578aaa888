// A stand-in for the Go Links service (and the few other calls the views
// around it make) in tests: it keeps links and the outbox as state, so an
// edit shows up in the next ForChat or Outbox the way Go would show it.
import { act } from '@testing-library/react';
import { isRecordSet } from '../display/crm';
import { AppError, crmSets, recordSets, type CardField, type LinkNotice, type LinkSettings, type RecordSet, type LinkView, type Message, type Op, type OpView, type RecordCard, type Suggestion, type TimelineItem, type Transport } from '../api';

export interface LoggedCall {
  method: string;
  args: unknown[];
}

// card is a record's card as Go builds it (app/linkview.go) from raw
// column values: the catalogue's English label and key per field, an
// option set's number as its English label with the option's key.
export function card(set: string, id: string, title: string, fields: [string, string | number][] = [], extra: Partial<RecordCard> = {}): RecordCard {
  return { set, id, title, fields: fields.map(([field, raw]) => cardField(set, field, raw)), ...extra };
}

export function cardField(set: string, field: string, raw: string | number): CardField {
  const s = isRecordSet(set) ? crmSets[set] : undefined;
  const f = s?.fields.find((x) => x.name === field);
  const o = typeof raw === 'number' ? s?.options[field]?.find((x) => x.value === raw) : undefined;
  return {
    label: f?.label ?? field, value: o?.label ?? String(raw), field,
    ...(f ? { key: f.key } : {}), ...(o ? { valueKey: o.key } : {}),
  };
}

// notice is a key field's change as Go reports it (app/linkview.go): the
// English label and values, and their keys.
export function notice(set: string, field: string, old: string | number, now: string | number, at: string): LinkNotice {
  const o = cardField(set, field, old);
  const n = cardField(set, field, now);
  return {
    label: o.label, field, old: o.value, new: n.value, at,
    ...(o.key ? { key: o.key } : {}), ...(o.valueKey ? { oldKey: o.valueKey } : {}), ...(n.valueKey ? { newKey: n.valueKey } : {}),
  };
}

export function linkView(chatId: string, c: RecordCard, over: Partial<LinkView> = {}): LinkView {
  return { chatId, set: c.set, recordId: c.id, linked: true, sync: 'synced', canUnlink: true, record: c, ...over };
}

// op is an outbox row as Links.Outbox answers it (with names).
export function op(seq: number, over: Partial<OpView> = {}): OpView {
  return {
    seq, id: `op-${seq}`, kind: 'link', chatId: 'c1', set: 'incidents', recordId: 'i1', activityId: `act-${seq}`, state: 'pending', attempts: 0,
    created: '2026-03-04T09:00:00Z', updated: '2026-03-04T09:00:00Z', notBefore: '0001-01-01T00:00:00Z',
    chatName: 'Invoices with Li Wei', recordTitle: 'Printer down', ...over,
  };
}

export interface FakeLinksOptions {
  kind?: 'wails' | 'http';
  links?: Record<string, LinkView[]>; // by chat
  records?: RecordCard[]; // what Find searches and Link links to
  suggestions?: Suggestion[];
  outbox?: OpView[]; // newest first
  timeline?: TimelineItem[];
  rows?: Record<string, { id: string; fields: Record<string, unknown>; deleted?: string }[]>; // Records.List by set
  fail?: Record<string, AppError>; // "Links.Unlink" → the error it answers with
  linkSettings?: LinkSettings; // what Links.Settings answers (Go's defaults when absent)
  messages?: Record<string, Message[]>; // Conversations.Messages by conversation, newest first
}

// defaultLinkSettings are Go's defaults (app/linkview.go): the catalogue's
// card and key fields (storage/crm); joining on for cases only.
export function defaultLinkSettings(): LinkSettings {
  const label = (set: RecordSet, field: string) => crmSets[set].fields.find((f) => f.name === field)?.label ?? field;
  return {
    fields: Object.fromEntries(recordSets.map((set) => [set, crmSets[set].card.map((field) => ({ field, label: label(set, field) }))])),
    keyFields: Object.fromEntries(recordSets.map((set) => [set, [...crmSets[set].keyFields]])),
    rules: Object.fromEntries(recordSets.map((set) => [set, { ownerMay: true, linkerMay: true, join: set === 'incidents' }])),
    privileged: false,
  };
}

export function fakeLinks(opts: FakeLinksOptions = {}) {
  const calls: LoggedCall[] = [];
  const handlers = new Map<string, ((d: unknown) => void)[]>();
  const state = {
    links: structuredClone(opts.links ?? {}),
    outbox: structuredClone(opts.outbox ?? []),
    timeline: structuredClone(opts.timeline ?? []),
    linkSettings: structuredClone(opts.linkSettings ?? defaultLinkSettings()),
  };
  const records = opts.records ?? [];
  let next = Math.max(0, ...state.outbox.map((o) => o.seq)) + 1;

  const queue = (kind: Op['kind'], chatId: string, set: string, recordId: string): Op => {
    const c = records.find((r) => r.set === set && r.id === recordId) ?? card(set, recordId, recordId);
    if (/^(thread|message)\//.test(chatId)) {
      // As Go: kept in Rapport, nothing queued.
      const list = (state.links[chatId] ??= []);
      const i = list.findIndex((l) => l.set === set && l.recordId === recordId);
      if (kind === 'unlink') {
        if (i >= 0) list.splice(i, 1);
      } else if (i < 0) list.push(linkView(chatId, c, { sync: 'local', at: '2026-03-05T10:00:00Z' }));
      return op(0, { kind, chatId, set, recordId, state: 'local' });
    }
    const o = op(next++, { kind, chatId, set, recordId, recordTitle: c.title, chatName: chatId });
    state.outbox.unshift(o);
    const list = (state.links[chatId] ??= []);
    const i = list.findIndex((l) => l.set === set && l.recordId === recordId);
    const v = linkView(chatId, c, { linked: kind === 'link', sync: 'pending', opSeq: o.seq, at: '2026-03-05T10:00:00Z' });
    if (i >= 0) list[i] = { ...list[i]!, linked: v.linked, sync: 'pending', opSeq: o.seq };
    else list.push(v);
    return o;
  };
  const setState = (seq: number, s: Op['state']): Op => {
    const o = state.outbox.find((x) => x.seq === seq);
    if (!o) throw new AppError('not_found', `no operation ${seq}`);
    o.state = s;
    o.updated = '2026-03-05T11:00:00Z';
    const { chatName: _c, recordTitle: _r, ...bare } = o; // as Go answers: storage.Op, without names
    return bare;
  };

  const answer = (name: string, args: unknown[]): unknown => {
    const fail = opts.fail?.[name];
    if (fail) throw fail;
    switch (name) {
      case 'Links.ForChat':
        return structuredClone(state.links[args[0] as string] ?? []);
      case 'Links.Suggest':
        return structuredClone(opts.suggestions ?? []);
      case 'Links.Find': {
        const q = (args[0] as string).toLowerCase();
        return records.filter((r) => [r.title, ...r.fields.map((f) => f.value)].some((v) => v.toLowerCase().includes(q)));
      }
      case 'Links.Link':
        return queue('link', ...(args as [string, string, string]));
      case 'Links.Unlink':
        return queue('unlink', ...(args as [string, string, string]));
      case 'Links.Outbox':
        return structuredClone(state.outbox);
      case 'Links.Retry':
        return setState(args[0] as number, 'pending');
      case 'Links.Discard':
        return setState(args[0] as number, 'discarded');
      case 'Links.ForConversation': {
        const conv = args[0] as string;
        return structuredClone(
          Object.entries(state.links)
            .filter(([target]) => target.startsWith(`thread/${conv}/`) || target.startsWith(`message/${conv}/`))
            .flatMap(([, ls]) => ls),
        );
      }
      case 'Links.Timeline':
        return structuredClone(state.timeline);
      case 'Links.Join': {
        const [chatId, set, recordId] = args as [string, string, string];
        const o = op(next++, { kind: 'join', chatId, set, recordId, recordTitle: '', chatName: chatId });
        state.outbox.unshift(o);
        for (const it of state.timeline) if (it.chatId === chatId) it.join = { seq: o.seq, state: 'pending' };
        return o;
      }
      case 'Links.DismissNotices':
      case 'Links.PostNotices': {
        const [chatId, set, recordId, upTo] = args as [string, string, string, string];
        for (const l of state.links[chatId] ?? []) {
          if (l.set === set && l.recordId === recordId) l.notices = (l.notices ?? []).filter((n) => n.at > upTo);
        }
        if (name === 'Links.DismissNotices') return null;
        const o = op(next++, { kind: 'notice', chatId, set, recordId, chatName: chatId });
        state.outbox.unshift(o);
        return o;
      }
      case 'Links.Settings':
        return structuredClone(state.linkSettings);
      case 'Links.SetSettings': {
        // As Go: at most five fields per known type; empty lists mean the defaults.
        const ls = args[0] as LinkSettings;
        const defaults = defaultLinkSettings();
        for (const [set, f] of Object.entries(ls.fields)) {
          if (!(set in defaults.fields) || f.length > 5) {
            throw new AppError('invalid_argument', `invalid argument: card fields for "${set}" (a record type, at most five)`);
          }
        }
        for (const [set, f] of Object.entries(ls.keyFields ?? {})) {
          if (!(set in defaults.fields) || f.length > 5) {
            throw new AppError('invalid_argument', `invalid argument: key fields for "${set}" (a record type, at most five)`);
          }
        }
        state.linkSettings = {
          fields: Object.fromEntries(Object.entries(defaults.fields).map(([set, d]) => [set, ls.fields[set]?.length ? ls.fields[set]! : d])),
          keyFields: { ...defaults.keyFields, ...ls.keyFields },
          rules: { ...defaults.rules, ...ls.rules },
          privileged: ls.privileged,
        };
        return structuredClone(state.linkSettings);
      }
      case 'Conversations.Teams':
        return [{ id: 't1', name: 'Contoso', channels: [{ id: 'ch1', teamId: 't1', name: 'General', membershipType: 'standard' }] }];
      case 'Conversations.Chats':
        return [{ id: 'c1', name: 'Invoices with Li Wei', chatType: 'group', lastActivity: '2026-03-01T00:00:00Z' }];
      case 'Conversations.Messages':
        return { messages: structuredClone(opts.messages?.[args[0] as string] ?? []), before: '' };
      case 'Conversations.Members':
        return [];
      case 'Records.List':
        return (opts.rows?.[args[0] as string] ?? []).map((r) => ({ set: args[0], modified: '2026-03-01T00:00:00Z', ...r }));
      case 'Sync.Status':
        return {
          account: 'me@contoso.com', running: false, canSync: true,
          store: { teams: 1, channels: 1, chats: 1, messages: 0, tombstones: 0, users: 0, guests: 0, records: {} },
        };
      case 'System.OpenURL':
        return null;
      case 'Tags.ForConversation':
        return {};
    }
    throw new AppError('not_found_method', name);
  };

  const t: Transport = {
    kind: opts.kind ?? 'http',
    async call(service, method, args) {
      const name = `${service}.${method}`;
      calls.push({ method: name, args });
      return answer(name, args);
    },
    on(event, h) {
      handlers.set(event, [...(handlers.get(event) ?? []), h]);
      return () => handlers.set(event, (handlers.get(event) ?? []).filter((x) => x !== h));
    },
  };
  return {
    t,
    calls,
    state,
    of: (method: string) => calls.filter((c) => c.method === method).map((c) => c.args),
    emit: (event: string, data: unknown) => act(() => (handlers.get(event) ?? []).forEach((h) => h(data))),
  };
}
