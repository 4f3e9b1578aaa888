import { describe, expect, test } from 'vitest';
import { AppError, parseEvents, toAppError } from './transport';

describe('toAppError', () => {
  test.each([
    ['ErrorFormatter object (Wails)', { code: 'not_found', message: 'x' }, 'not_found', 'x'],
    ['Error wrapping JSON (newer Wails)', new Error('{"code":"store_locked","message":"in use"}'), 'store_locked', 'in use'],
    ['JSON string (older Wails)', '{"code":"timeout","message":"slow"}', 'timeout', 'slow'],
    ['plain string', 'boom', 'internal', 'boom'],
    ['plain Error', new Error('kaput'), 'internal', 'kaput'],
    ['nothing useful', 42, 'internal', 'unknown error'],
    ['already an AppError', new AppError('offline', 'gone'), 'offline', 'gone'],
  ])('%s', (_n, input, code, message) => {
    const e = toAppError(input);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });
});

test('a field error keeps its field and reason', () => {
  const e = toAppError(new Error('{"code":"invalid_argument","message":"m","field":"clientId","reason":"bad_client_id"}'));
  expect([e.code, e.field, e.reason]).toEqual(['invalid_argument', 'clientId', 'bad_client_id']);
  expect(toAppError({ code: 'x', message: 'y' }).field).toBeUndefined();
});

describe('parseEvents reads the event stream however it is cut', () => {
  const stream = ': connected\n\nevent: settings:changed\ndata: {"language":"fr"}\n\n: ping\n\nevent: sync:done\ndata: {"a":1,\ndata: "b":2}\n\n';
  test.each([1, 2, 3, 7, 16, stream.length])('chunks of %i characters', (n) => {
    let rest = '';
    const got: { name: string; data: string }[] = [];
    for (let i = 0; i < stream.length; i += n) {
      const r = parseEvents(rest + stream.slice(i, i + n));
      got.push(...r.events);
      rest = r.rest;
    }
    expect(got).toEqual([
      { name: 'settings:changed', data: '{"language":"fr"}' },
      { name: 'sync:done', data: '{"a":1,\n"b":2}' },
    ]);
    expect(rest).toBe('');
  });

  test('CRLF line ends', () => {
    expect(parseEvents('event: x\r\ndata: 1\r\n\r\n').events).toEqual([{ name: 'x', data: '1' }]);
  });
});
