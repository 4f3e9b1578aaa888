// A pane the user can fold away (the members beside a conversation, the
// record cards above it). Until the user chooses, it follows the window:
// folded while the media query `narrow` matches. The choice lasts until
// the window crosses that size.
import { useCallback, useEffect, useState } from 'react';

// The window sizes below which panes fold by themselves (as in styles.css).
export const narrowWidth = '(max-width: 1279px)';
export const narrowOrShort = '(max-width: 1279px), (max-height: 799px)';

export interface Fold {
  open: boolean;
  toggle(): void;
}

export function useFold(narrow: string): Fold {
  const [small, setSmall] = useState(() => query(narrow)?.matches ?? false);
  const [chosen, setChosen] = useState<boolean | null>(null);
  useEffect(() => {
    const mq = query(narrow);
    if (!mq) return;
    setSmall(mq.matches);
    // crossing the size forgets the user's choice: it was for the other size
    const on = () => {
      setSmall(mq.matches);
      setChosen(null);
    };
    mq.addEventListener?.('change', on);
    return () => mq.removeEventListener?.('change', on);
  }, [narrow]);
  const open = chosen ?? !small;
  const toggle = useCallback(() => setChosen(!open), [open]);
  return { open, toggle };
}

function query(q: string): MediaQueryList | undefined {
  return typeof window.matchMedia === 'function' ? window.matchMedia(q) : undefined;
}
