// Addresses inside the app (#/section/params…): how a view links to
// another, and how App reads where to go.

export const sectionIds = ['conversations', 'search', 'records', 'knowledge', 'guests', 'metrics', 'settings'] as const;

export type SectionId = (typeof sectionIds)[number];

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

const isSection = (id: string): id is SectionId => (sectionIds as readonly string[]).includes(id);

export function routeFromHash(hash: string): Route {
  const [id = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  return isSection(id) ? { section: id, params: rest.filter((p) => p !== '').map(decode) } : { section: 'conversations', params: [] };
}

export function sectionFromHash(hash: string): SectionId {
  return routeFromHash(hash).section;
}

// conversationHash links to a conversation, optionally to one message in it.
export function conversationHash(convId: string, msgId?: string): string {
  return `#/conversations/${encodeURIComponent(convId)}${msgId ? `/${encodeURIComponent(msgId)}` : ''}`;
}

// recordHash links to a record's page in Records.
export function recordHash(set: string, id: string): string {
  return `#/records/${encodeURIComponent(set)}/${encodeURIComponent(id)}`;
}
