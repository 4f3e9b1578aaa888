import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from 'react';

// Fixed-height list windowing: only the rows in (or near) the viewport are
// rendered, absolutely positioned inside a spacer as tall as the whole list.

export interface Range {
  start: number; // first rendered row
  end: number; // one past the last rendered row
}

// visibleRange is the rows to render for a viewport scrolled to scrollTop,
// with overscan extra rows on each side, clamped to [0, count).
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan: number): Range {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.min(count - 1, Math.floor(Math.max(0, scrollTop) / rowHeight));
  const last = Math.floor((Math.max(0, scrollTop) + Math.max(0, viewport) - 1) / rowHeight); // inclusive
  return { start: Math.max(0, first - overscan), end: Math.min(count, Math.max(first, last) + 1 + overscan) };
}

// revealScrollTop is the scrollTop that brings row index fully into view
// with the least movement (unchanged when it already is).
export function revealScrollTop(scrollTop: number, viewport: number, rowHeight: number, index: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
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
  // reveal scrolls so that row index is in view.
  reveal(index: number): void;
  onScroll(): void;
}

// useWindow tracks the scroll position and height of the scrolling element
// ref and returns the rows to render.
export function useWindow(ref: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan = 4): Window {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(fallbackViewport);

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
      const next = revealScrollTop(el.scrollTop, vp, rowHeight, index);
      if (next !== el.scrollTop) el.scrollTop = next;
      setScrollTop(next);
    },
    [ref, rowHeight],
  );

  return { ...visibleRange(scrollTop, viewport, rowHeight, count, overscan), viewport, reveal, onScroll: measure };
}
