import { describe, expect, test } from 'vitest';
import { shortLabels } from './Facets';

describe('shortLabels', () => {
  test('labels that fit stay as they are', () => {
    expect(shortLabels(['Chloé Perrin', '许强'], 22)).toEqual(['Chloé Perrin', '许强']);
  });
  test('a long label alone is cut at its end', () => {
    expect(shortLabels(['Northwind Traders · Implementation', 'Chloé Perrin'], 22)).toEqual(['Northwind Traders · I…', 'Chloé Perrin']);
  });
  test('long labels that begin alike keep the part that tells them apart', () => {
    const teams = ['【Regular】Northwind · Implementation', '【Regular】Northwind · Support', 'Maison Dufour'];
    const short = shortLabels(teams, 22);
    expect(short).toEqual(['【Regul…Implementation', '【Regul…wind · Support', 'Maison Dufour']);
    expect(new Set(short).size).toBe(3);
  });
  test('CJK characters count double', () => {
    const teams = ['【VIP】华东精密 · 售后支持', '【VIP】华东精密 · 售前咨询'];
    const short = shortLabels(teams, 22);
    expect(short[0]).not.toBe(short[1]);
    expect(short[0]!.endsWith('售后支持')).toBe(true);
    expect(short[1]!.endsWith('售前咨询')).toBe(true);
  });
});
