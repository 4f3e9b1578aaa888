import { describe, expect, test } from 'vitest';
import { byteSpan, byteToIndex, utf8Length } from './utf8';

const enc = new TextEncoder();
// bytesBefore is what Go reports for the index i of s.
const bytesBefore = (s: string, i: number) => enc.encode(s.slice(0, i)).length;

describe('UTF-8 byte offsets to string indices', () => {
  test('ASCII: bytes are indices', () => {
    expect(byteToIndex('from:alice', 5)).toBe(5);
    expect(byteSpan('from:alice (', 11, 12)).toEqual([11, 12]);
  });

  test('Chinese: three bytes per character, one index', () => {
    const q = '发票 from:"李伟'; // 发票 = 6 bytes, space 1, from: 5, " 1, 李 3, 伟 3
    expect(utf8Length(q)).toBe(enc.encode(q).length);
    expect(byteToIndex(q, 6)).toBe(2); // after 发票
    expect(byteToIndex(q, 12)).toBe(q.indexOf('"'));
    const [a, b] = byteSpan(q, 12, 19);
    expect(q.slice(a, b)).toBe('"李伟');
  });

  test('every character boundary round-trips, mixed scripts and emoji', () => {
    const q = 'é 付款 😀 tag:#技术故障 "naïve"';
    for (let i = 0; i <= q.length; i++) {
      // Skip the middle of the surrogate pair: Go never points there.
      if (i > 0 && q.charCodeAt(i - 1) >= 0xd800 && q.charCodeAt(i - 1) <= 0xdbff) continue;
      expect(byteToIndex(q, bytesBefore(q, i)), `index ${i}`).toBe(i);
    }
  });

  test('emoji: four bytes, two UTF-16 units', () => {
    const q = 'a😀b';
    expect(byteToIndex(q, 1)).toBe(1);
    expect(byteToIndex(q, 5)).toBe(3); // after the emoji: index skips both units
    const [a, b] = byteSpan(q, 1, 5);
    expect(q.slice(a, b)).toBe('😀');
  });

  test('an offset inside a character snaps to it (start: back, end: forward)', () => {
    const q = 'ab汉字';
    expect(byteToIndex(q, 3, 'floor')).toBe(2); // 1 byte into 汉
    expect(byteToIndex(q, 3, 'ceil')).toBe(3);
    const [a, b] = byteSpan(q, 3, 4); // both inside 汉
    expect(q.slice(a, b)).toBe('汉');
  });

  test('out of range and reversed spans are clamped', () => {
    const q = '李伟';
    expect(byteToIndex(q, -4)).toBe(0);
    expect(byteToIndex(q, 99)).toBe(2);
    expect(byteSpan(q, 99, 120)).toEqual([2, 2]);
    expect(byteSpan(q, 3, 0)).toEqual([1, 1]); // end before start: empty at start
  });
});
