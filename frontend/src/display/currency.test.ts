import { describe, expect, test } from 'vitest';
import { translator } from '../i18n';
import { cell } from './crm';
import { currencyOf, money } from './currency';

describe('amounts', () => {
  test.each([
    { locale: 'en', iso: 'USD', want: '$123,456.00' },
    { locale: 'fr', iso: 'EUR', want: '123\u202f456,00\u00a0€' },
    { locale: 'zh-CN', iso: 'CNY', want: '¥123,456.00' },
    { locale: 'fr', iso: 'CNY', want: '123\u202f456,00\u00a0CNY' },
    { locale: 'fr', iso: undefined, want: '123\u202f456' }, // no currency known: a plain number, not a guess
  ])('$locale $iso', ({ locale, iso, want }) => {
    expect(money(123456, iso, locale)).toBe(want);
  });

  test('a money column takes its record’s currency; other numbers do not', () => {
    const currencies = new Map([['0a1b', 'EUR']]);
    const fields = { estimatedvalue: 98000, _transactioncurrencyid_value: '0A1B' };
    const iso = currencyOf(currencies, fields._transactioncurrencyid_value);
    expect(iso).toBe('EUR');
    const c = cell('opportunities', 'estimatedvalue', fields, translator('fr'), 'fr', iso);
    expect(c).toEqual({ text: '98\u202f000,00\u00a0€', sort: 98000 });
    // Go's card sends the amount as text: still an amount.
    expect(cell('opportunities', 'estimatedvalue', { estimatedvalue: '98000' }, translator('en'), 'en', 'USD').text).toBe('$98,000.00');
    // An unknown currency id: the number alone.
    expect(currencyOf(currencies, 'ffff')).toBeUndefined();
    expect(cell('opportunities', 'estimatedvalue', fields, translator('en'), 'en', undefined).text).toBe('98,000');
    // Not a money column: no currency even when one is given.
    expect(cell('accounts', 'accountnumber', { accountnumber: 4711 }, translator('en'), 'en', 'EUR').text).toBe('4,711');
  });
});
