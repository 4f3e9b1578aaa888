import type { MessageKey } from '../i18n';
import type { SectionId } from '../display/routes';

export interface Section {
  id: SectionId;
  label: MessageKey;
  // what the section will hold, for the empty state
  what?: MessageKey;
}

// The sidebar, in order (every SectionId once).
export const sections: readonly Section[] = [
  { id: 'conversations', label: 'nav.conversations', what: 'conversations.what' },
  { id: 'search', label: 'nav.search', what: 'search.what' },
  { id: 'records', label: 'nav.records', what: 'records.what' },
  { id: 'knowledge', label: 'nav.knowledge', what: 'knowledge.what' },
  { id: 'guests', label: 'nav.guests', what: 'guests.what' },
  { id: 'metrics', label: 'nav.metrics', what: 'metrics.what' },
  { id: 'settings', label: 'nav.settings' },
];
