import { describe, expect, test } from 'vitest';
import { matchesFilter, type Cell } from './crm';

const row = (...texts: string[]): Cell[] => texts.map((text) => ({ text, sort: text }));

describe('matchesFilter', () => {
  const r = row('CAS-01296', 'Imprimante hors ligne à Lyon', 'Thérèse Dubois', '华东精密设备有限公司', 'High');
  test.each([
    { filter: '', want: true },
    { filter: '   ', want: true },
    { filter: 'cas-01296', want: true },
    { filter: 'therese', want: true }, // accents and case ignored
    { filter: 'LYON imprimante', want: true }, // every word, any cell, any order
    { filter: '华东', want: true },
    { filter: 'lyon paris', want: false }, // one word missing
    { filter: 'CAS-01297', want: false },
  ])('"$filter" → $want', ({ filter, want }) => expect(matchesFilter(r, filter)).toBe(want));
});
