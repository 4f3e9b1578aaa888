import type { MessageKey } from '../i18n';

export type SectionId = 'conversations' | 'search' | 'records' | 'knowledge' | 'guests' | 'metrics' | 'settings';

export interface Section {
  id: SectionId;
  label: MessageKey;
  // what the section will hold, for the empty state
  what?: MessageKey;
}

export const sections: readonly Section[] = [
  { id: 'conversations', label: 'nav.conversations', what: 'conversations.what' },
  { id: 'search', label: 'nav.search', what: 'search.what' },
  { id: 'records', label: 'nav.records', what: 'records.what' },
  { id: 'knowledge', label: 'nav.knowledge', what: 'knowledge.what' },
  { id: 'guests', label: 'nav.guests', what: 'guests.what' },
  { id: 'metrics', label: 'nav.metrics', what: 'metrics.what' },
  { id: 'settings', label: 'nav.settings' },
];

export interface Route {
  section: SectionId;
  // path segments after the section, decoded: #/conversations/<conv>/<msg>
  params: string[];
}

const decode = (p: string) => {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
};

export function routeFromHash(hash: string): Route {
  const [id = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const section = sections.find((s) => s.id === id)?.id;
  return section ? { section, params: rest.filter((p) => p !== '').map(decode) } : { section: 'conversations', params: [] };
}

export function sectionFromHash(hash: string): SectionId {
  return routeFromHash(hash).section;
}

// conversationHash links to a conversation, optionally to one message in it.
export function conversationHash(convId: string, msgId?: string): string {
  return `#/conversations/${encodeURIComponent(convId)}${msgId ? `/${encodeURIComponent(msgId)}` : ''}`;
}
