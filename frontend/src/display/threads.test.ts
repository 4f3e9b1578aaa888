import { describe, expect, test } from 'vitest';
import { threads } from './messages';
import type { Message } from '../api';

const msg = (id: string, created: string, replyTo?: string): Message => ({
  id, created, type: 'message', importance: 'normal', from: 'x', html: '', ...(replyTo ? { replyTo } : {}),
});

describe('threads', () => {
  test('replies follow their root; roots in time order', () => {
    const got = threads([
      msg('r2', '2026-03-02T10:00:00Z'),
      msg('a', '2026-03-01T10:05:00Z', 'r1'),
      msg('r1', '2026-03-01T10:00:00Z'),
      msg('b', '2026-03-02T10:01:00Z', 'r2'),
      msg('c', '2026-03-01T10:06:00Z', 'r1'),
    ]);
    expect(got.map((g) => [g.root?.id, g.replies.map((r) => r.id)])).toEqual([
      ['r1', ['a', 'c']],
      ['r2', ['b']],
    ]);
  });
  test('replies whose root is on an older page form a rootless group', () => {
    const got = threads([msg('x', '2026-03-01T10:05:00Z', 'old'), msg('r', '2026-03-01T11:00:00Z')]);
    expect(got[0]!.root).toBeUndefined();
    expect(got[0]!.replies[0]!.id).toBe('x');
    expect(got[1]!.root!.id).toBe('r');
  });
});
