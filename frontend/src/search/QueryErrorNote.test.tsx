import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, test } from 'vitest';
import { I18nContext, translator, type Locale } from '../i18n';
import type { QueryError } from '../api';
import { QueryErrorNote } from './SearchBox';

afterEach(cleanup);

const renderIn = (locale: Locale, q: string, err: QueryError) =>
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <QueryErrorNote q={q} err={err} />
    </I18nContext.Provider>,
  );

// "付款 form:张伟": form: (a misspelt from:) is bytes 7–12.
const misspelt: QueryError = { code: 'unknown_operator', message: 'unknown operator "form:" — did you mean "from:"?', start: 7, end: 12, suggest: 'from' };
const badValue: QueryError = { code: 'bad_value', message: 'unknown value "video" for has: — use attachment, image, link or reaction', start: 4, end: 9, op: 'has', values: ['attachment', 'image', 'link', 'reaction'] };

test('Chinese: the code and its suggestion in Chinese, no English from Go, the span underlined', () => {
  renderIn('zh-CN', '付款 form:张伟', misspelt);
  const msg = screen.getByTestId('query-error-message');
  expect(msg.textContent).toBe('未知的运算符。 是不是要输入 from:？');
  expect(msg.querySelector('code')?.textContent).toBe('from:');
  expect(screen.getByTestId('query-error').textContent).not.toContain('unknown operator');
  expect(screen.getByTestId('query-error-span').textContent).toBe('form:');
});

test('French: the values an operator takes, as a French list, with French typography', () => {
  renderIn('fr', 'has:video', badValue);
  expect(screen.getByTestId('query-error-message').textContent).toBe(
    'Un opérateur a une valeur qu’il n’accepte pas. Par exemple\u202f: has:attachment, has:image, has:link ou has:reaction.',
  );
  expect(screen.getByTestId('query-error-message').querySelectorAll('code')).toHaveLength(4);
});

test('English says it the same way', () => {
  renderIn('en', 'has:video', badValue);
  expect(screen.getByTestId('query-error-message').textContent).toBe(
    'An operator has a value it does not accept. For example: has:attachment, has:image, has:link, or has:reaction.',
  );
});

test('an unknown code: the generic lead, Go’s English message only in English; an empty span shows a caret', () => {
  const err: QueryError = { code: 'new_code', message: 'missing )', start: 7, end: 7 };
  renderIn('fr', '(付款', err);
  expect(screen.getByTestId('query-error-message').textContent).toBe('Cette requête pose problème\u202f:');
  const caret = screen.getByTestId('query-error-span');
  expect(caret.className).toContain('caret');
  expect(screen.getByTestId('query-error').querySelector('.query-echo')?.textContent).toBe('(付款\u2038');
  cleanup();
  renderIn('en', '(付款', err);
  expect(screen.getByTestId('query-error-message').textContent).toBe('This query has a problem: missing )');
});
