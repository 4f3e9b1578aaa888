// Dynamics 365 records as the UI shows them, from Go's catalogue
// (storage/crm, generated into src/api/crm.gen.ts): record type names,
// column labels and option-set values in the UI's language, values
// formatted for its locale, and the order they sort in. The Records view,
// cards, timelines and search hits all name things through here.
import { crmSets, formattedSuffix, recordSets, type CrmOption, type RecordSet } from '../api';
import { isMessageKey, type Locale, type Translate } from '../i18n';
import { when } from '../i18n/format';
import { money } from './currency';

// isRecordSet says whether set is a record type the catalogue knows.
export const isRecordSet = (set: string): set is RecordSet => (recordSets as readonly string[]).includes(set);

// recordLabel names a record type in the singular (Case, Account, …).
export function recordLabel(set: string, t: Translate): string {
  return isRecordSet(set) ? t(`search.record.${set}`) : set;
}

// recordsLabel names a record type in the plural (the Records tabs).
export function recordsLabel(set: string, t: Translate): string {
  return isRecordSet(set) ? t(`records.${set}`) : set;
}

// fieldLabel is a column's label (Dynamics' display name) in the UI's
// language, or the column's name when the catalogue does not know it.
export function fieldLabel(set: string, field: string, t: Translate): string {
  const f = isRecordSet(set) ? crmSets[set].fields.find((x) => x.name === field) : undefined;
  return f ? t(f.key) : field;
}

// keyText translates a key Go sent beside its English text (a card
// field's or a notice's label or value); without a key the UI knows, the
// English stays.
export function keyText(key: string | undefined, english: string, t: Translate): string {
  return key && isMessageKey(key) ? t(key) : english;
}

// optionOf is the option-set value a raw column value is, when the column
// is one of the record type's option sets.
export function optionOf(set: string, field: string, raw: unknown): CrmOption | undefined {
  const opts = isRecordSet(set) ? crmSets[set].options[field] : undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  return opts?.find((o) => o.value === n);
}

// titleOf is a record's title: the first non-empty of its type's text
// columns (as Go's crm.Title).
export function titleOf(set: string, fields: Record<string, unknown>): string {
  for (const c of isRecordSet(set) ? crmSets[set].text : []) {
    const v = fields[c];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
}

// A Cell is a column's value as the Records view shows it, and what it
// sorts by: numbers and dates by value, the rest by the text shown.
export interface Cell {
  text: string;
  sort: number | string | null; // null: empty, last either way
  // label: the text is the UI's own (an option set's label in the UI's
  // language), not the record's data.
  label?: true;
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

// cell formats a record's column: an option set's value as its label in
// the UI's language (else Dynamics' formatted value, else the number),
// dates and numbers for the locale, a money column with its currency (the
// record's currency's ISO code, when known), text as it is.
export function cell(set: string, field: string, fields: Record<string, unknown>, t: Translate, locale: Locale, currency?: string): Cell {
  const raw = fields[field];
  if (raw === null || raw === undefined || raw === '') return { text: '', sort: null };
  if (isRecordSet(set) && crmSets[set].money?.includes(field)) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (Number.isFinite(n)) return { text: money(n, currency, locale), sort: n };
  }
  const opt = optionOf(set, field, raw);
  if (opt) return { ...text(t(opt.key)), label: true };
  const formatted = fields[field + formattedSuffix];
  if (isRecordSet(set) && field in crmSets[set].options) {
    return text(typeof formatted === 'string' && formatted !== '' ? formatted : String(raw));
  }
  if (typeof raw === 'number') return { text: raw.toLocaleString(locale), sort: raw };
  if (typeof raw === 'string' && dateOnly.test(raw)) {
    const d = new Date(`${raw}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) {
      return { text: d.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }), sort: d.getTime() };
    }
  }
  if (typeof raw === 'string' && dateTime.test(raw)) {
    const d = new Date(raw);
    if (!Number.isNaN(d.getTime())) return { text: when(raw, locale), sort: d.getTime() };
  }
  if (typeof raw === 'string' || typeof raw === 'boolean') return text(String(raw));
  return { text: '', sort: null }; // a lookup or a list: not shown
}

const text = (s: string): Cell => ({ text: s, sort: s });

// compareCells orders two cells, ascending (dir 1) or descending (-1):
// empty ones last either way, numbers (and dates) before text, numbers by
// value, text as the locale sorts it.
export function compareCells(a: Cell, b: Cell, dir: 1 | -1, collator: Intl.Collator): number {
  if (a.sort === null || b.sort === null) return a.sort === b.sort ? 0 : a.sort === null ? 1 : -1;
  if (typeof a.sort === 'number' && typeof b.sort === 'number') return dir * (a.sort - b.sort);
  if (typeof a.sort === 'number') return -dir;
  if (typeof b.sort === 'number') return dir;
  return dir * collator.compare(a.sort, b.sort);
}

// matchesFilter says whether a row's cells (as shown) hold every word of
// a table's filter, ignoring case and accents ("thérèse" finds "Therese").
export function matchesFilter(cells: Cell[], filter: string): boolean {
  const words = fold(filter).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = cells.map((c) => fold(c.text)).join('\n');
  return words.every((w) => hay.includes(w));
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();
