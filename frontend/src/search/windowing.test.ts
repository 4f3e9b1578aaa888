import { describe, expect, test } from 'vitest';
import { revealScrollTop, rowsPerPage, visibleRange } from './windowing';

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
