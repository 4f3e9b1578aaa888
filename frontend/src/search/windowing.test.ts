import { describe, expect, test } from 'vitest';
import { Heights, revealScrollTop, rowsPerPage, visibleRange } from './windowing';

describe('visibleRange', () => {
  test('at the top: the rows in view plus overscan below', () => {
    // 440px viewport, 88px rows: rows 0..4 are visible.
    expect(visibleRange(0, 440, 88, 1000, 3)).toEqual({ start: 0, end: 8 });
  });
  test('scrolled: overscan on both sides, a partly visible row counts', () => {
    // scrollTop 1000: row 11 (968..1056) is partly visible; the bottom edge 1439 is in row 16.
    expect(visibleRange(1000, 440, 88, 1000, 2)).toEqual({ start: 9, end: 19 });
  });
  test('near the end: clamped to count', () => {
    expect(visibleRange(88 * 995, 440, 88, 1000, 4)).toEqual({ start: 991, end: 1000 });
  });
  test('scrolled past the end (list shrank): still a valid range', () => {
    const r = visibleRange(88 * 5000, 440, 88, 10, 2);
    expect(r.start).toBeGreaterThanOrEqual(0);
    expect(r.end).toBe(10);
    expect(r.start).toBeLessThan(r.end);
  });
  test('empty list or no height: nothing', () => {
    expect(visibleRange(0, 440, 88, 0, 3)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(0, 440, 0, 10, 3)).toEqual({ start: 0, end: 0 });
  });
  test('never renders thousands of rows for thousands of hits', () => {
    const r = visibleRange(88 * 2500, 700, 88, 5000, 4);
    expect(r.end - r.start).toBeLessThan(20);
  });
});

describe('revealScrollTop', () => {
  test('a row above the viewport scrolls to its top', () => {
    expect(revealScrollTop(880, 440, 88, 5)).toBe(440);
  });
  test('a row below the viewport scrolls just enough to show its bottom', () => {
    expect(revealScrollTop(0, 440, 88, 5)).toBe(88); // row 5 ends at 528
  });
  test('a row already in view does not move the list', () => {
    expect(revealScrollTop(100, 440, 88, 3)).toBe(100);
  });
  test('page size is whole rows, at least one', () => {
    expect(rowsPerPage(440, 88)).toBe(5);
    expect(rowsPerPage(50, 88)).toBe(1);
  });
});

describe('rows that grow with their text', () => {
  // Rows are 88px until measured; row 2 is 200px, row 5 is 120px.
  const grown = () => {
    const h = new Heights(88);
    expect(h.set(2, 200)).toBe(true);
    expect(h.set(5, 120)).toBe(true);
    expect(h.set(5, 120)).toBe(false); // nothing moved
    expect(h.set(7, 0)).toBe(false); // not laid out (jsdom): the estimate stays
    return h;
  };
  test('a row starts below the measured ones', () => {
    const h = grown();
    expect([0, 1, 2, 3, 5, 6].map((i) => h.top(i))).toEqual([0, 88, 176, 376, 552, 672]);
    expect(h.top(10)).toBe(10 * 88 + 112 + 32);
  });
  test('the row at an offset', () => {
    const h = grown();
    expect([0, 87, 88, 175, 176, 375, 376, 551, 552, 671, 672].map((y) => h.indexAt(y, 10))).toEqual([0, 0, 1, 1, 2, 2, 3, 4, 5, 5, 6]);
    expect(h.indexAt(1e6, 10)).toBe(9);
  });
  test('the rows in view and revealing a tall one', () => {
    const h = grown();
    // 300px from 180: rows 2 (176–376) and … up to 479, row 4 (464–552).
    expect(visibleRange(180, 300, h, 10, 0)).toEqual({ start: 2, end: 5 });
    // Row 5 (552–672) below a 300px viewport at 0: its bottom comes into view.
    expect(revealScrollTop(0, 300, h, 5)).toBe(372);
    expect(revealScrollTop(600, 300, h, 2)).toBe(176);
  });
});
