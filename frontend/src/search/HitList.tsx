import { Fragment, useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { useI18n, type MessageKey } from '../i18n';
import { when } from '../i18n/format';
import type { Fragment as Piece, SearchHit } from '../api';
import { recordLabel } from '../display/crm';
import { convTitle } from '../display/messages';
import { hitAt, useSearch, type ResultSet } from './SearchContext';
import { rowsPerPage, useWindow } from './windowing';
import { TagChip } from '../tags/TagEditor';

// A row is at least this high (styles.css .hit); it grows with its text,
// and the list is windowed on the measured heights.
export const rowHeight = 88;

export const hitDomId = (i: number) => `search-hit-${i}`;

interface Props {
  rs: ResultSet;
  selected: number; // -1: none
  onSelect(i: number): void;
  onOpen(i: number): void;
  dim: boolean;
}

// HitList renders only the rows near the viewport and asks for pages of
// hits as they come into view. It is one listbox: Up/Down/Home/End/Page
// keys move the selection, Enter opens it. Key it by rs.gen: a new answer
// starts at the top, with no stale scroll position asking for far pages.
export function HitList({ rs, selected, onSelect, onOpen, dim }: Props) {
  const { t } = useI18n();
  const s = useSearch();
  const ref = s.list;
  const w = useWindow(ref, rs.total, rowHeight);
  const { start, end, reveal, onScroll } = w;
  const { loadRange } = s;
  const spacer = useRef<HTMLDivElement>(null);
  // Rows grow with their text: measured after each render (a changed
  // height re-renders once, with the rows below moved).
  useLayoutEffect(() => {
    if (spacer.current) w.measure(spacer.current.querySelectorAll<HTMLElement>('.hit'));
  });

  useEffect(() => loadRange(rs.gen, start, end), [loadRange, start, end, rs]);

  const move = (i: number) => {
    const next = Math.max(0, Math.min(rs.total - 1, i));
    onSelect(next);
    reveal(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rs.total === 0) return;
    const page = rowsPerPage(w.viewport, rowHeight);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(selected + 1),
      ArrowUp: () => (selected <= 0 ? s.box.current?.focus() : move(selected - 1)),
      PageDown: () => move(Math.max(selected, 0) + page),
      PageUp: () => move(selected - page),
      Home: () => move(0),
      End: () => move(rs.total - 1),
      Enter: () => selected >= 0 && onOpen(selected),
      Escape: () => s.box.current?.focus(),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };

  const rows = [];
  for (let i = start; i < end; i++) {
    const hit = hitAt(rs, i);
    rows.push(
      <div
        key={i}
        id={hitDomId(i)}
        role="option"
        aria-selected={i === selected}
        aria-posinset={i + 1}
        aria-setsize={rs.total}
        className={`hit${i === selected ? ' selected' : ''}${hit ? '' : ' placeholder'}`}
        style={{ top: w.top(i), minHeight: rowHeight }}
        data-testid={hit ? 'hit' : 'hit-loading'}
        data-index={i}
        data-kind={hit?.kind}
        data-id={hit?.id}
        onClick={() => {
          onSelect(i);
          if (hit) onOpen(i);
        }}
      >
        {hit ? <HitRow hit={hit} /> : <span className="hint">{t('loading')}</span>}
      </div>,
    );
  }

  return (
    <div
      ref={ref}
      className={`hits${dim ? ' stale' : ''}`}
      role="listbox"
      tabIndex={0}
      aria-label={t('search.results')}
      aria-busy={s.busy}
      aria-activedescendant={selected >= start && selected < end ? hitDomId(selected) : undefined}
      data-testid="search-results"
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      onFocus={() => selected < 0 && rs.total > 0 && onSelect(0)}
    >
      <div className="hits-spacer" ref={spacer} style={{ height: w.height }}>
        {rows}
      </div>
    </div>
  );
}

function HitRow({ hit }: { hit: SearchHit }) {
  const { t, locale } = useI18n();
  if (hit.kind === 'record' && hit.record) {
    const r = hit.record;
    return (
      <>
        <div className="hit-line">
          <span className="kind-badge" data-set={r.set}>{recordLabel(r.set, t)}</span>
          <strong className="hit-title" data-user-content="">{r.title}</strong>
        </div>
        {r.subtitle && <div className="hit-meta" data-user-content="">{r.subtitle}</div>}
        <Snippet parts={hit.snippet} />
      </>
    );
  }
  const m = hit.message;
  return (
    <>
      <div className="hit-line">
        <strong className="hit-title" data-user-content="">{hit.conv ? convTitle(hit.conv) : ''}</strong>
        {m && <time dateTime={m.created}>{when(m.created, locale)}</time>}
      </div>
      {m && (
        <div className="hit-meta">
          <span className="from" data-user-content="">{m.from}</span>
          {(m.importance === 'urgent' || m.importance === 'high') && (
            <span className={`badge ${m.importance}`}>{t(`importance.${m.importance}` as MessageKey)}</span>
          )}
          {m.deleted && <span className="deleted-mark" data-testid="hit-deleted">{t('search.deleted')}</span>}
          {m.hasAttachment && (
            <span className="attach-mark" title={t('search.attachment')} aria-label={t('search.attachment')}>
              📎
            </span>
          )}
          {m.subject && <span className="hit-subject" data-user-content="">{m.subject}</span>}
          {m.tags?.map((tg) => <TagChip key={tg} name={tg} />)}
          {m.inheritedTags?.map((tg) => <TagChip key={`i-${tg}`} name={tg} kind="inherited" />)}
        </div>
      )}
      <Snippet parts={hit.snippet} />
    </>
  );
}

// Snippet shows plain-text fragments, the matched ones in <mark>. Never HTML.
export function Snippet({ parts }: { parts: Piece[] }) {
  return (
    <p className="snippet" data-user-content="">
      {parts.map((f, i) => (f.hit ? <mark key={i}>{f.t}</mark> : <Fragment key={i}>{f.t}</Fragment>))}
    </p>
  );
}
