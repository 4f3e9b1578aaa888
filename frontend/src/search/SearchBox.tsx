import { useEffect } from 'react';
import { useI18n, type MessageKey } from '../i18n';
import { fill } from '../i18n/format';
import { Text } from '../i18n/Text';
import { UnmatchedNotes } from './UnmatchedNotes';
import { useSearch } from './SearchContext';
import { byteSpan } from './utf8';
import type { QueryError } from '../api';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

// isSearchShortcut: Ctrl+E or Ctrl+K (⌘E / ⌘K on macOS).
export function isSearchShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, mac = isMac): boolean {
  const mod = mac ? e.metaKey : e.ctrlKey;
  const k = e.key.toLowerCase();
  return mod && !e.altKey && (k === 'k' || k === 'e');
}

export const queryErrorId = 'search-query-error';

// The parser's stable error codes (search/query/parse.go).
export const queryErrorCodes = [
  'unclosed_quote', 'unbalanced_paren', 'empty_group', 'empty_value', 'bad_value', 'bad_date', 'unknown_operator', 'dangling_operator', 'too_long',
] as const;

// SearchBox sits in the header on every screen. Typing moves to the Search
// section; Ctrl+K / Ctrl+E focus it from anywhere; Escape clears, then blurs.
export function SearchBox({ onSearchSection }: { onSearchSection: boolean }) {
  const { t } = useI18n();
  const s = useSearch();
  const { box } = s;

  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (!isSearchShortcut(e)) return;
      e.preventDefault();
      box.current?.focus();
      box.current?.select();
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [box]);

  const toSearch = () => {
    if (!onSearchSection) window.location.hash = '#/search';
  };

  return (
    <div className="searchbox" role="search">
      <svg className="searchbox-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
        <path d="M10.5 4a6.5 6.5 0 1 1 0 13a6.5 6.5 0 0 1 0-13zM15.5 15.5L20 20" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <input
        ref={box}
        type="search"
        data-testid="search-box"
        aria-label={t('search.label')}
        placeholder={fill(t('search.placeholder'), { keys: isMac ? '⌘K' : 'Ctrl+K' })}
        aria-invalid={s.queryError ? true : undefined}
        aria-describedby={s.queryError ? queryErrorId : undefined}
        autoComplete="off"
        spellCheck={false}
        value={s.q}
        onChange={(e) => {
          // Pinyin and other input methods: search the composed text, not
          // every keystroke of it.
          s.setQuery(e.target.value, { composing: (e.nativeEvent as InputEvent).isComposing === true });
          toSearch();
        }}
        onCompositionEnd={(e) => s.setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing) return; // Enter/Escape belong to the input method
          if (e.key === 'Escape') {
            e.preventDefault();
            if (s.q) s.setQuery('');
            else e.currentTarget.blur();
          } else if (e.key === 'Enter') {
            e.preventDefault();
            s.setQuery(s.q, { now: true });
            toSearch();
          } else if (e.key === 'ArrowDown' && s.list.current) {
            e.preventDefault();
            s.list.current.focus();
          }
        }}
      />
      {s.queryError && <QueryErrorNote q={s.queryError.q} err={s.queryError.err} />}
      {!s.queryError && s.result && <UnmatchedNotes notes={s.result.notes} />}
    </div>
  );
}

// QueryErrorNote shows the parser's message and the query with the part it
// could not read underlined (an empty span is shown as a caret).
export function QueryErrorNote({ q, err }: { q: string; err: QueryError }) {
  const { t, locale } = useI18n();
  const [a, b] = byteSpan(q, err.start, err.end);
  // The message is said in the UI's language from the code and its facts
  // (the operator it probably means, values it takes); Go's English
  // message shows only in English, for a code this UI does not know.
  const known = (queryErrorCodes as readonly string[]).includes(err.code);
  const code = (s: string) => `\`${s.replace(/`/g, '')}\``;
  const facts = [
    err.suggest ? fill(t('search.qerr.didYouMean'), { op: code(`${err.suggest}:`) }) : '',
    err.values?.length ? fill(t('search.qerr.values'), { values: new Intl.ListFormat(locale, { type: 'disjunction' }).format(err.values.map((v) => code(`${err.op ?? ''}:${v}`))) }) : '',
  ].filter(Boolean);
  return (
    <div id={queryErrorId} className="query-error" role="alert" data-testid="query-error" data-code={err.code}>
      <p data-testid="query-error-message">
        {known ? (
          <Text>{[t(`search.qerr.${err.code}` as MessageKey), ...facts].join(' ')}</Text>
        ) : (
          <>
            {t('search.queryError')}
            {locale === 'en' && ` ${err.message}`}
          </>
        )}
      </p>
      <code className="query-echo">
        {q.slice(0, a)}
        {a === b ? (
          <mark className="query-bad caret" data-testid="query-error-span">
            {'\u2038'}
          </mark>
        ) : (
          <mark className="query-bad" data-testid="query-error-span">
            {q.slice(a, b)}
          </mark>
        )}
        {q.slice(b)}
      </code>
    </div>
  );
}
