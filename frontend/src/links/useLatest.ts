import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { toAppError } from '../api';

// useLatest loads data whenever deps change. Only the newest answer is
// kept (a refresh may start while an older call is out), and nothing is
// set after unmount. setData lets the caller patch what was loaded.
export function useLatest<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): { data: T | null; error: string | null; setData: Dispatch<SetStateAction<T | null>> } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    const n = ++seq.current;
    load().then(
      (d) => {
        if (n !== seq.current) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => n === seq.current && setError(toAppError(e).message),
    );
  }, deps); // the caller's dependencies
  useEffect(() => () => void seq.current++, []);
  return { data, error, setData };
}
