import { useCallback, useEffect, useState } from 'react';
import { api, toAppError, type IndexStatus, type SavedSearch, type SearchHit, type SearchSort } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill } from '../i18n/format';
import { EmptyState } from './EmptyState';
import { Text } from '../i18n/Text';
import { ContextPane } from '../search/ContextPane';
import { Facets } from '../search/Facets';
import { HitList } from '../search/HitList';
import { SavedSearches, SaveSearch } from '../search/SavedSearches';
import { hitAt, useSearch } from '../search/SearchContext';
import { SyntaxHelp } from '../search/SyntaxHelp';

// SearchView: saved searches and facets on the left, the hits in the
// middle, the opened hit in context on the right. The query itself is
// typed in the header's SearchBox.
// SearchView is the Search section; routeQuery (#/search/<query>, as
// rapport --search opens) is searched at once.
export function SearchView({ hasData, routeQuery }: { hasData: boolean; routeQuery?: string | undefined }) {
  const { t } = useI18n();
  const s = useSearch();
  const { setQuery } = s;
  useEffect(() => {
    if (routeQuery) setQuery(routeQuery, { now: true });
  }, [routeQuery, setQuery]);
  const [saved, setSaved] = useState<SavedSearch[]>([]);
  const [savedError, setSavedError] = useState<string | null>(null);
  const [selected, setSelected] = useState(-1);
  // The opened hit, with the query it was found by: another query clears
  // the pane (its hit may not be among the new results).
  const [opened, setOpened] = useState<{ q: string; hit: SearchHit } | null>(null);

  useEffect(() => {
    api.search.saved().then(setSaved, (e: unknown) => setSavedError(toAppError(e).message));
  }, []);

  const rs = s.result;
  useEffect(() => setSelected(-1), [rs?.gen]);


  const open = useCallback(
    (i: number) => {
      const hit = rs && hitAt(rs, i);
      if (hit) setOpened({ q: s.q, hit }); // a row still loading keeps the pane as it is
    },
    [rs, s.q],
  );
  const savedCall = (p: Promise<SavedSearch[]>) =>
    p.then(
      (list) => {
        setSavedError(null);
        setSaved(list);
      },
      (e: unknown) => {
        setSavedError(toAppError(e).message);
        throw e;
      },
    );

  const hasQuery = s.q.trim() !== '';
  const showResults = hasQuery && rs !== null;
  return (
    <div className={`search${showResults ? '' : ' search-start'}`} data-testid="search-view">
      <aside className="search-side">
        {showResults && <Facets facets={rs.facets} of={rs.facetsOf} q={s.q} onToggle={s.toggleFilter} />}
        <SavedSearches
          saved={saved}
          onRun={(q) => s.setQuery(q, { now: true })}
          onDelete={(id) => void savedCall(api.search.deleteSaved(id)).catch(() => {})}
        />
        {savedError && (
          <p className="status error" role="alert">
            {savedError}
          </p>
        )}
      </aside>
      <div className="search-main">
        {s.index && (s.index.state !== 'ready' || s.index.error) && <IndexLine index={s.index} />}
        {s.error && (
          <p className="status error" role="alert" data-testid="search-error">
            {t('search.failed')} {s.error}
          </p>
        )}
        {!hasQuery ? (
          <div className="search-intro">
            {hasData ? <p className="empty-what"><Text>{t('search.what')}</Text></p> : <EmptyState what="search.what" />}
            <SyntaxHelp />
          </div>
        ) : !rs ? (
          <p className="hint">{s.busy ? t('search.running') : ''}</p>
        ) : (
          <>
            <div className="results-head">
              <Count total={rs.total} more={rs.more} tookMs={rs.tookMs} />
              {rs.partial && s.index?.state === 'ready' && (
                <button type="button" className="link-button" onClick={s.rerun} data-testid="search-refresh">
                  {t('search.refresh')}
                </button>
              )}
              <SortToggle sort={s.sort} onChange={s.setSort} />
              {!s.queryError && <SaveSearch q={s.q.trim()} onSave={(name) => savedCall(api.search.save(name, s.q.trim())).then(() => {})} />}
            </div>
            {rs.total === 0 ? (
              <div className={`no-results${s.queryError ? ' stale' : ''}`} data-testid="no-results">
                <p>{fill(t('search.noResults'), { q: rs.q })}</p>
                <p className="hint">{t('search.noResultsTip')}</p>
              </div>
            ) : (
              <HitList key={rs.gen} rs={rs} selected={selected} onSelect={setSelected} onOpen={open} dim={s.queryError !== null} />
            )}
          </>
        )}
      </div>
      {showResults && <ContextPane hit={opened?.q === s.q ? opened.hit : null} />}
    </div>
  );
}

function Count({ total, more, tookMs }: { total: number; more: boolean; tookMs: number }) {
  const { t, locale } = useI18n();
  const key: MessageKey = more ? 'search.count.more' : new Intl.PluralRules(locale).select(total) === 'one' ? 'search.count.one' : 'search.count.other';
  return (
    <p className="count" role="status" data-testid="search-count">
      {fill(t(key), { n: total.toLocaleString(locale), ms: Math.round(tookMs).toLocaleString(locale) })}
    </p>
  );
}

function SortToggle({ sort, onChange }: { sort: SearchSort; onChange(s: SearchSort): void }) {
  const { t } = useI18n();
  return (
    <div className="sort" role="group" aria-label={t('search.sort')}>
      {(['relevance', 'date'] as const).map((k) => (
        <button key={k} type="button" aria-pressed={sort === k} data-testid={`sort-${k}`} onClick={() => sort !== k && onChange(k)}>
          {t(`search.sort.${k}`)}
        </button>
      ))}
    </div>
  );
}

export function IndexLine({ index }: { index: IndexStatus }) {
  const { t, locale } = useI18n();
  const text =
    index.error
      ? fill(t('search.index.failed'), { error: index.error })
      : fill(t(index.state === 'building' ? 'search.index.building' : 'search.index.catchingUp'), {
          indexed: index.indexed.toLocaleString(locale),
          queued: index.queued.toLocaleString(locale),
        });
  return (
    <p className={`index-line${index.error ? ' error' : ''}`} role="status" data-testid="index-status" data-state={index.state}>
      {text}
    </p>
  );
}
