import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { useFold } from './fold';

// A fake window size: matches says whether the window is narrow.
let matches = false;
let listeners: (() => void)[] = [];
window.matchMedia = ((q: string) => ({
  get matches() {
    return matches;
  },
  media: q,
  addEventListener: (_: string, f: () => void) => listeners.push(f),
  removeEventListener: (_: string, f: () => void) => (listeners = listeners.filter((x) => x !== f)),
})) as unknown as typeof window.matchMedia;
const resize = (narrow: boolean) =>
  act(() => {
    matches = narrow;
    listeners.forEach((f) => f());
  });

afterEach(() => {
  matches = false;
  listeners = [];
});

describe('useFold', () => {
  test.each([
    { name: 'a wide window shows the pane', narrow: false, open: true },
    { name: 'a narrow window folds it', narrow: true, open: false },
  ])('$name', ({ narrow, open }) => {
    matches = narrow;
    const { result } = renderHook(() => useFold('(max-width: 1279px)'));
    expect(result.current.open).toBe(open);
    act(() => result.current.toggle());
    expect(result.current.open).toBe(!open);
  });
  test('crossing the size forgets the choice made for the other size', () => {
    const { result } = renderHook(() => useFold('(max-width: 1279px)'));
    act(() => result.current.toggle());
    expect(result.current.open).toBe(false);
    resize(true);
    expect(result.current.open).toBe(false);
    act(() => result.current.toggle());
    expect(result.current.open).toBe(true);
    resize(false);
    expect(result.current.open).toBe(true);
    resize(true);
    expect(result.current.open).toBe(false);
  });
});
