import { describe, expect, test } from 'vitest';
import { translator } from '../i18n';
import { progressText } from './SyncBar';

describe('progressText', () => {
  const started = '2026-03-18T10:00:00Z';
  const at = (secs: number) => new Date(started).getTime() + secs * 1000;
  const p = { started, done: 3, total: 12, messages: 0, records: 0, errors: 0, current: '' };
  test.each([
    ['en', { ...p }, 0, '3/12 conversations · 0 messages'],
    ['en', { ...p, messages: 1 }, 1, '3/12 conversations · 1 message · 1 messages/s'],
    ['fr', { ...p, messages: 2400, eta: 75 }, 10, '3/12 conversations · 2\u202f400 messages · 240 messages/s · environ 1\u00a0min'],
    ['zh-CN', { ...p, messages: 2400, eta: 30 }, 10, '3/12 个会话 · 2,400 条消息 · 每秒 240 条消息 · 预计还需 30秒'],
  ] as const)('%s, %#', (l, prog, secs, want) => {
    expect(progressText(prog as Parameters<typeof progressText>[0], translator(l), l, at(secs))).toBe(want);
  });
});
