import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { api, Events, onEvent, toAppError, type Facet, type IndexStatus, type QueryError, type SearchHit, type SearchSort, type Unmatched } from '../api';
import { toggleClause } from './query';

export const pageSize = 50;
export const debounceMs = 120;
// facetDelayMs: facets are fetched once typing has paused this long.
export const facetDelayMs = 350;

// ResultSet is the answer to one query: its first page's totals and
// facets, and the pages of hits loaded so far (fetched as the list scrolls).
export interface ResultSet {
  gen: number; // the request that produced it; pages of other sets are dropped
  q: string;
  sort: SearchSort;
  total: number;
  more: boolean; // total is a lower bound: the index stopped counting (shown as "N+")
  tookMs: number;
  facets: Facet[];
  facetsOf: number; // when > 0, the facets count the top facetsOf hits, not all of them
  pages: ReadonlyMap<number, SearchHit[]>;
  partial: boolean; // computed while the index was still building
  notes: Unmatched[]; // operators whose values named nothing, with names to try
}

export function hitAt(rs: ResultSet, i: number): SearchHit | undefined {
  return rs.pages.get(Math.floor(i / pageSize))?.[i % pageSize];
}

export interface SearchState {
  q: string; // the text in the box
  sort: SearchSort;
  result: ResultSet | null; // the last good answer (kept, dimmed, under a query error)
  queryError: { q: string; err: QueryError } | null;
  error: string | null; // the last call failed
  busy: boolean;
  index: IndexStatus | null;
  // setQuery sets the text and searches: after a pause in typing, at once
  // with now, or not yet with composing (an input method is still at work).
  setQuery(q: string, opts?: { now?: boolean; composing?: boolean }): void;
  setSort(s: SearchSort): void;
  toggleFilter(clause: string): void;
  rerun(): void;
  // loadRange asks for the pages of rows start..end of the answer gen; a
  // list still showing an older answer asks for nothing.
  loadRange(gen: number, start: number, end: number): void;
  box: RefObject<HTMLInputElement | null>;
  list: RefObject<HTMLDivElement | null>;
}

const SearchContext = createContext<SearchState | null>(null);

export function useSearch(): SearchState {
  const s = useContext(SearchContext);
  if (!s) throw new Error('useSearch outside SearchProvider');
  return s;
}

// SearchProvider owns the query for the whole app: the box in the header
// writes it, the Search section reads the answers. Typing is debounced;
// every first-page request takes a number from seq and an answer is used
// only if no newer request was made since, so a slow answer to an old
// query never replaces a newer one.
export function SearchProvider({ children }: { children: ReactNode }) {
  const [q, setQ] = useState('');
  const [sort, setSortState] = useState<SearchSort>('relevance');
  const [result, setResultState] = useState<ResultSet | null>(null);
  const [queryError, setQueryError] = useState<SearchState['queryError']>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [index, setIndex] = useState<IndexStatus | null>(null);

  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const facetTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ q, sort });
  const current = useRef<ResultSet | null>(null);
  const loading = useRef(new Set<number>()); // pages in flight for current
  const box = useRef<HTMLInputElement | null>(null);
  const list = useRef<HTMLDivElement | null>(null);

  const firstShown = useRef(false); // once per launch: the provider lives as long as the app
  const commit = useCallback((rs: ResultSet | null) => {
    if (rs?.gen !== current.current?.gen) loading.current = new Set();
    current.current = rs;
    setResultState(rs);
    const shown = rs?.pages.get(0)?.length ?? 0;
    if (shown > 0 && !firstShown.current) {
      // The time from launch to the first hits goes to the log.
      firstShown.current = true;
      api.system.firstResult({ hits: shown }).catch(() => {});
    }
  }, []);

  const run = useCallback(
    (text: string, by: SearchSort) => {
      clearTimeout(timer.current);
      const my = ++seq.current;
      if (!text.trim()) {
        setBusy(false);
        setQueryError(null);
        setError(null);
        commit(null);
        return;
      }
      setBusy(true);
      clearTimeout(facetTimer.current);
      // Hits on every keystroke; facets (which cost a pass over every hit)
      // once typing pauses.
      api.search.query({ q: text, sort: by, offset: 0, size: pageSize, facets: false }).then(
        (res) => {
          if (my !== seq.current) return; // a newer query was sent
          setBusy(false);
          setError(null);
          setIndex(res.index);
          if (res.queryError) {
            setQueryError({ q: res.q, err: res.queryError });
            return;
          }
          setQueryError(null);
          commit({
            gen: my, q: text, sort: by, total: Math.max(res.total, res.hits.length), more: res.totalMore ?? false, tookMs: res.tookMs, facets: current.current?.facets ?? [], facetsOf: current.current?.facetsOf ?? 0,
            pages: new Map([[0, res.hits]]), partial: res.index.state !== 'ready', notes: res.notes ?? [],
          });
          facetTimer.current = setTimeout(() => {
            api.search.query({ q: text, sort: by, offset: 0, size: 1, facets: true }).then(
              (fr) => {
                const rs = current.current;
                if (my !== seq.current || !rs || rs.gen !== my) return;
                commit({ ...rs, facets: fr.facets ?? [], facetsOf: fr.facetsOf ?? 0 });
              },
              () => {}, // facets are an extra; the hits stand
            );
          }, facetDelayMs);
        },
        (e: unknown) => {
          if (my !== seq.current) return;
          setBusy(false);
          setError(toAppError(e).message);
        },
      );
    },
    [commit],
  );

  const setQuery = useCallback(
    (text: string, opts?: { now?: boolean; composing?: boolean }) => {
      latest.current = { ...latest.current, q: text };
      setQ(text);
      clearTimeout(timer.current);
      if (opts?.composing) return;
      if (opts?.now || !text.trim()) run(text, latest.current.sort);
      else timer.current = setTimeout(() => run(latest.current.q, latest.current.sort), debounceMs);
    },
    [run],
  );

  const setSort = useCallback(
    (by: SearchSort) => {
      latest.current = { ...latest.current, sort: by };
      setSortState(by);
      run(latest.current.q, by);
    },
    [run],
  );

  const toggleFilter = useCallback((clause: string) => setQuery(toggleClause(latest.current.q, clause), { now: true }), [setQuery]);
  const rerun = useCallback(() => run(latest.current.q, latest.current.sort), [run]);

  const loadRange = useCallback(
    (gen: number, start: number, end: number) => {
      const rs = current.current;
      if (!rs || rs.gen !== gen || end <= start) return;
      for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) {
        if (p * pageSize >= rs.total || rs.pages.has(p) || loading.current.has(p)) continue;
        const inFlight = loading.current;
        inFlight.add(p);
        api.search.query({ q: rs.q, sort: rs.sort, offset: p * pageSize, size: pageSize, facets: false }).then(
          (res) => {
            inFlight.delete(p);
            const now = current.current;
            if (!now || now.gen !== rs.gen || res.queryError) return;
            const pages = new Map(now.pages);
            pages.set(p, res.hits);
            // The index may have shrunk since the first page: never promise
            // rows that no page will fill.
            const total = res.hits.length < pageSize ? Math.min(now.total, p * pageSize + res.hits.length) : now.total;
            commit({ ...now, pages, total });
          },
          (e: unknown) => {
            inFlight.delete(p);
            if (current.current?.gen === rs.gen) setError(toAppError(e).message);
          },
        );
      }
    },
    [commit],
  );

  useEffect(() => onEvent(Events.searchProgress, setIndex), []);
  // Unmounted: no timer fires and no late answer starts another call.
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      clearTimeout(facetTimer.current);
      seq.current++;
    },
    [],
  );

  const value = useMemo<SearchState>(
    () => ({ q, sort, result, queryError, error, busy, index, setQuery, setSort, toggleFilter, rerun, loadRange, box, list }),
    [q, sort, result, queryError, error, busy, index, setQuery, setSort, toggleFilter, rerun, loadRange],
  );
  return <SearchContext.Provider value={value}>{children}</SearchContext.Provider>;
}
