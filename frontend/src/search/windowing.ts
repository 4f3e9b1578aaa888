import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

// List windowing: only the rows in (or near) the viewport are rendered,
// absolutely positioned inside a spacer as tall as the whole list. Rows
// grow with their text: a row's height is measured once it is rendered;
// the others count as the estimate (Heights).

export interface Range {
  start: number; // first rendered row
  end: number; // one past the last rendered row
}

// Heights knows where rows are: measured rows at their height, the rest at
// est. Only rendered rows are measured, so a list of thousands keeps a
// few dozen entries.
export class Heights {
  private readonly measured = new Map<number, number>();
  constructor(readonly est: number) {}

  // set records row i's height; it says whether anything moved.
  set(i: number, h: number): boolean {
    if (!(h > 0) || (this.measured.get(i) ?? this.est) === h) return false;
    this.measured.set(i, h);
    return true;
  }

  height(i: number): number {
    return this.measured.get(i) ?? this.est;
  }

  // top is where row i starts (and, for i = count, where the list ends).
  top(i: number): number {
    let y = i * this.est;
    for (const [j, h] of this.measured) if (j < i) y += h - this.est;
    return y;
  }

  // indexAt is the row at offset y, clamped to [0, count).
  indexAt(y: number, count: number): number {
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.top(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

const heightsOf = (h: Heights | number) => (typeof h === 'number' ? new Heights(h) : h);

// visibleRange is the rows to render for a viewport scrolled to scrollTop,
// with overscan extra rows on each side, clamped to [0, count).
export function visibleRange(scrollTop: number, viewport: number, rows: Heights | number, count: number, overscan: number): Range {
  const h = heightsOf(rows);
  if (count <= 0 || h.est <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = h.indexAt(top, count);
  const last = h.indexAt(top + Math.max(0, viewport) - 1, count); // inclusive
  return { start: Math.max(0, first - overscan), end: Math.min(count, Math.max(first, last) + 1 + overscan) };
}

// revealScrollTop is the scrollTop that brings row index fully into view
// with the least movement (unchanged when it already is).
export function revealScrollTop(scrollTop: number, viewport: number, rows: Heights | number, index: number): number {
  const h = heightsOf(rows);
  const top = h.top(index);
  const bottom = top + h.height(index);
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}

// rowsPerPage is how many whole rows fit in the viewport (at least 1).
export function rowsPerPage(viewport: number, rowHeight: number): number {
  return Math.max(1, Math.floor(viewport / rowHeight));
}

// Used when the element has no layout (jsdom) or is not yet laid out.
const fallbackViewport = 600;

export interface Window extends Range {
  viewport: number;
  // top is where row i is placed; height the whole list's.
  top(i: number): number;
  height: number;
  // measure reads the rendered rows' heights (elements carrying
  // data-index) and re-renders when one changed.
  measure(rows: Iterable<HTMLElement>): void;
  // reveal scrolls so that row index is in view.
  reveal(index: number): void;
  onScroll(): void;
}

// useWindow tracks the scroll position and height of the scrolling element
// ref and returns the rows to render.
export function useWindow(ref: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan = 4): Window {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(fallbackViewport);
  const heights = useRef<Heights | null>(null);
  if (heights.current?.est !== rowHeight) heights.current = new Heights(rowHeight);
  const h = heights.current;
  const [, setMoved] = useState(0);
  const measureRows = useCallback(
    (rows: Iterable<HTMLElement>) => {
      let moved = false;
      for (const el of rows) moved = h.set(Number(el.dataset.index), el.offsetHeight) || moved;
      if (moved) setMoved((n) => n + 1);
    },
    [h],
  );

  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    setViewport(el.clientHeight || fallbackViewport);
  }, [ref]);

  useLayoutEffect(measure, [measure, count]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof ResizeObserver !== 'undefined') {
      const ro = new ResizeObserver(measure);
      ro.observe(el);
      return () => ro.disconnect();
    }
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [ref, measure]);

  const reveal = useCallback(
    (index: number) => {
      const el = ref.current;
      if (!el) return;
      const vp = el.clientHeight || fallbackViewport;
      const next = revealScrollTop(el.scrollTop, vp, h, index);
      if (next !== el.scrollTop) el.scrollTop = next;
      setScrollTop(next);
    },
    [ref, h],
  );

  return {
    ...visibleRange(scrollTop, viewport, h, count, overscan),
    viewport,
    reveal,
    onScroll: measure,
    top: (i) => h.top(i),
    height: h.top(count),
    measure: measureRows,
  };
}
