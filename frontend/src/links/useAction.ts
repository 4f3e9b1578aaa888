import { useState } from 'react';
import { toAppError } from '../api';

// useAction runs a call the user started: busy while it is out, its error
// message when it fails; done receives the answer.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = <T,>(call: Promise<T>, done: (v: T) => void) => {
    setBusy(true);
    setError(null);
    call.then(
      (v) => {
        setBusy(false);
        done(v);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toAppError(e).message);
      },
    );
  };
  return { busy, error, run };
}
