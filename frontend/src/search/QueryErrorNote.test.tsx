import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { I18nContext, translator, type Locale } from '../i18n';
import { QueryErrorNote } from './SearchBox';

afterEach(cleanup);

const renderIn = (locale: Locale, code: string) =>
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      {/* "付款 form:张伟": form: (a misspelt from:) is bytes 7–12 */}
      <QueryErrorNote q="付款 form:张伟" err={{ code, message: 'unknown operator form: — did you mean from:?', start: 7, end: 12 }} />
    </I18nContext.Provider>,
  );

test('Chinese: the code is explained in Chinese, Go’s message kept, the span underlined', () => {
  renderIn('zh-CN', 'unknown_operator');
  const note = screen.getByTestId('query-error');
  expect(note.textContent).toContain('未知的运算符。');
  expect(screen.getByTestId('query-error-message').textContent).toBe('unknown operator form: — did you mean from:?');
  expect(screen.getByTestId('query-error-span').textContent).toBe('form:');
});

test('an unknown code falls back to the generic lead; an empty span shows a caret', () => {
  render(
    <I18nContext.Provider value={{ locale: 'fr', t: translator('fr') }}>
      <QueryErrorNote q="(付款" err={{ code: 'new_code', message: 'missing )', start: 7, end: 7 }} />
    </I18nContext.Provider>,
  );
  expect(screen.getByTestId('query-error').textContent).toContain('Cette requête pose problème :');
  const caret = screen.getByTestId('query-error-span');
  expect(caret.className).toContain('caret');
  expect(screen.getByTestId('query-error').querySelector('.query-echo')?.textContent).toBe('(付款\u2038');
});
