import type { MessageKey } from '../i18n';

export type SectionId = 'conversations' | 'search' | 'records' | 'knowledge' | 'guests' | 'metrics' | 'settings';

export interface Section {
  id: SectionId;
  label: MessageKey;
  icon: string;
  // what the section will hold, for the empty state
  what?: MessageKey;
}

export const sections: readonly Section[] = [
  { id: 'conversations', label: 'nav.conversations', icon: '💬', what: 'conversations.what' },
  { id: 'search', label: 'nav.search', icon: '🔎', what: 'search.what' },
  { id: 'records', label: 'nav.records', icon: '📇', what: 'records.what' },
  { id: 'knowledge', label: 'nav.knowledge', icon: '📚', what: 'knowledge.what' },
  { id: 'guests', label: 'nav.guests', icon: '🪪', what: 'guests.what' },
  { id: 'metrics', label: 'nav.metrics', icon: '📈', what: 'metrics.what' },
  { id: 'settings', label: 'nav.settings', icon: '⚙️' },
];

export function sectionFromHash(hash: string): SectionId {
  const id = hash.replace(/^#\/?/, '');
  return sections.find((s) => s.id === id)?.id ?? 'conversations';
}
