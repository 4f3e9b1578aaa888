import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Events, onEvent, type OutboxResult } from '../api';

export interface LinksState {
  // version bumps whenever links or the outbox may have changed: after a
  // sync pushed edits (outbox:pushed), after a sync round (sync:done) or
  // after an edit made here.
  version: number;
  changed(): void;
  pushed: OutboxResult | null; // the last push's outcome
  pendingOpen: boolean;
  showPending(open: boolean): void;
}

// Outside a provider (single-component tests) nothing is shared.
const LinksContext = createContext<LinksState>({
  version: 0,
  changed: () => {},
  pushed: null,
  pendingOpen: false,
  showPending: () => {},
});

export const useLinks = () => useContext(LinksContext);

// LinksProvider lets the linked-records strip, the pending-changes button
// and panel and the record timeline refresh one another.
export function LinksProvider({ children }: { children: ReactNode }) {
  const [version, setVersion] = useState(0);
  const [pushed, setPushed] = useState<OutboxResult | null>(null);
  const [pendingOpen, showPending] = useState(false);
  const changed = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(
    () =>
      onEvent(Events.outboxPushed, (r) => {
        setPushed(r);
        changed();
      }),
    [changed],
  );
  // A finished sync may bring link rows, record changes (notices) and
  // chats just joined.
  useEffect(() => onEvent(Events.syncDone, changed), [changed]);
  const value = useMemo(() => ({ version, changed, pushed, pendingOpen, showPending }), [version, changed, pushed, pendingOpen]);
  return <LinksContext.Provider value={value}>{children}</LinksContext.Provider>;
}
