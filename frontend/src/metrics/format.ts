// How the Metrics section writes its numbers: durations in the UI's
// language, ISO weeks as dates, CSV for export.
import type { MetricsGroup } from '../api';

// duration writes seconds as the two largest units (3 h 05 min, 2 d 4 h).
export function duration(secs: number | null | undefined, locale: string): string {
  if (secs === null || secs === undefined) return '–';
  const unit = (n: number, u: 'second' | 'minute' | 'hour' | 'day') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short', maximumFractionDigits: 0 }).format(n);
  if (secs < 60) return unit(secs, 'second');
  const m = Math.floor(secs / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${unit(h, 'hour')} ${unit(m % 60, 'minute')}` : unit(h, 'hour');
  const d = Math.floor(h / 24);
  return h % 24 ? `${unit(d, 'day')} ${unit(h % 24, 'hour')}` : unit(d, 'day');
}

// share writes a 0–1 share as a percentage.
export function share(v: number | null | undefined, locale: string): string {
  if (v === null || v === undefined) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(v);
}

// weekStart is the Monday (00:00 UTC, in Unix seconds) of an ISO week
// "YYYY-Www", or NaN.
export function weekStart(id: string): number {
  const m = /^(\d{4})-W(\d{2})$/.exec(id);
  if (!m) return NaN;
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4); // always in week 1
  const dow = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0
  return (jan4 - dow * 86400_000 + (week - 1) * 7 * 86400_000) / 1000;
}

// day writes a local YYYY-MM-DD.
export function day(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote, and defuse spreadsheet formulas (=, +, -, @ first).
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

// csv is a table of groups' figures, with a header row.
export function csv(groups: MetricsGroup[]): string {
  const head = ['id', 'name', 'waits', 'answered', 'unanswered', 'medianSeconds', 'p90Seconds', 'withinTarget', 'messages', 'customerMessages', 'activeCustomers'];
  const rows = groups.map((g) =>
    [g.id, g.name, g.waits, g.answered, g.unanswered, g.medianSeconds, g.p90Seconds, g.withinTarget, g.messages, g.customerMessages, g.activeCustomers].map(csvCell).join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}
