import { describe, expect, test } from 'vitest';
import { catalogs, locales, resolveLocale } from '.';
import { crmLabelsEn } from '../api';

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
      'sync.progress', 'importance.urgent', 'importance.high', 'records.contacts',
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
