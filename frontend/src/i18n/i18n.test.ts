import { describe, expect, test } from 'vitest';
import { catalogs, locales, resolveLocale } from '.';
import { crmLabelsEn } from '../api';
import { fill } from './format';

describe('resolveLocale', () => {
  test.each([
    ['explicit choice wins', 'fr', 'zh-CN', ['en-US'], 'fr'],
    ['auto follows the OS', 'auto', 'zh-CN', ['en-US'], 'zh-CN'],
    ['auto: Taiwan Chinese still gets Chinese', 'auto', 'zh-TW', [], 'zh-CN'],
    ['auto: no OS locale, browser decides', 'auto', '', ['fr-CA', 'en'], 'fr'],
    ['auto: unknown languages fall back to English', 'auto', 'de-DE', ['ja'], 'en'],
  ] as const)('%s', (_n, setting, os, browser, want) => {
    expect(resolveLocale(setting, os, browser)).toBe(want);
  });
});

describe('catalogues', () => {
  const keys = Object.keys(catalogs.en);
  test.each(locales)('%s has every key, none empty', (l) => {
    const cat = catalogs[l];
    expect(Object.keys(cat).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(cat[k as keyof typeof cat].trim(), k).not.toBe('');
  });
  test('Chinese navigation is in Chinese', () => {
    for (const k of keys.filter((k) => k.startsWith('nav.'))) {
      expect(catalogs['zh-CN'][k as keyof typeof catalogs.en], k).toMatch(/[\u4e00-\u9fff]/);
    }
  });
  test('French is translated, not copied', () => {
    const same = keys.filter((k) => catalogs.fr[k as keyof typeof catalogs.en] === catalogs.en[k as keyof typeof catalogs.en]);
    // Proper names and words that are the same in both languages.
    expect(same.sort()).toEqual(['capture.kind.note', 'nav.conversations', 'metrics.conversations', 'metrics.messages', 'settings.cloud', 'settings.graph', 'settings.version', 'settings.dataverse',
      'sync.progress', 'sync.rate', 'importance.urgent', 'importance.high', 'records.contacts',
      'search.record.contacts', 'search.facet.kind', 'search.kind.message', 'search.sort.date', 'timeline.kind.message',
      'crm.field.incidents.description', 'crm.field.knowledgearticles.description', 'tags.color.orange', 'tags.what.alias', 'tags.col.actions', 'metrics.threadsOf',
      'knowledge.faq.question', 'knowledge.messages'].sort());
  });
  test('every label of Go\'s CRM catalogue is translated, Chinese in Chinese', () => {
    for (const k of Object.keys(crmLabelsEn)) {
      expect(catalogs.en[k as keyof typeof catalogs.en], k).toBe(crmLabelsEn[k as keyof typeof crmLabelsEn]);
      expect(catalogs['zh-CN'][k as keyof typeof catalogs.en], k).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('French typography', () => {
  // The text a reader sees: code spans (`from:`) and placeholders aside.
  const prose = (v: string) => v.replace(/`[^`]*`/g, '').replace(/\{\w+\}/g, 'x');
  test('a narrow no-break space before ; ? ! and a colon that ends a phrase, inside « »', () => {
    const bad = Object.entries(catalogs.fr)
      .map(([k, v]) => [k, prose(v)] as const)
      .filter(([, v]) => /[^\u202f][;?!]/.test(v) || /[^\u202f]:(\s|$)/.test(v) || /«[^\u202f]|[^\u202f]»/.test(v))
      .map(([k]) => k);
    expect(bad).toEqual([]);
  });
  test('the rule finds what it is for', () => {
    expect(/[^\u202f]:(\s|$)/.test(prose('Dernière synchronisation: 4 déc.'))).toBe(true);
    expect(/[^\u202f][;?!]/.test(prose('Pas de locataire ?'))).toBe(true);
  });
});

describe('fill', () => {
  test.each([
    ['fr', 1, '1 envoyée'],
    ['fr', 0, '0 envoyée'],
    ['fr', 2, '2 envoyées'],
    ['fr', 1500, '1\u202f500 envoyées'],
    ['en', 1, '1 sent'],
    ['en', 2, '2 sent'],
    ['zh-CN', 1, '已发送 1 项'],
  ] as const)('%s, %d: %s', (l, n, want) => {
    expect(fill(catalogs[l]['pending.pushed.done'], { n }, l)).toBe(want);
  });
  test('two counts, each with its own form', () => {
    expect(fill(catalogs.fr['sync.written'], { messages: 1, records: 2 }, 'fr')).toBe('1 message et 2 enregistrements mis à jour');
    expect(fill(catalogs.en['sync.written'], { messages: 2, records: 1 }, 'en')).toBe('2 messages, 1 record updated');
  });
  test('without a locale, a plural takes its other form and numbers stay as they are', () => {
    expect(fill('{n, plural, one {# file} other {# files}}', { n: 1 })).toBe('1 files');
    expect(fill('{n} of {m}', { n: 1000, m: 'x' })).toBe('1000 of x');
  });
  test('an exact form (=0) wins over the rule', () => {
    expect(fill('{n, plural, =0 {none} one {# file} other {# files}}', { n: 0 }, 'en')).toBe('none');
  });
});
