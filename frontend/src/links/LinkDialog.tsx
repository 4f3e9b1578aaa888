import { Filled } from '../i18n/Text';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { api, toAppError, type RecordCard, type Suggestion } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill } from '../i18n/format';
import { cardLine, KindBadge, linkKey } from './parts';

// findDelayMs: Links.Find runs once typing pauses this long.
export const findDelayMs = 200;
// Links.Find answers at most this many records.
export const findLimit = 50;

interface Props {
  chatId: string;
  chatName: string;
  linked: ReadonlySet<string>; // set/id of the records the chat is linked to
  onClose(): void;
  onLinked(): void;
}

// LinkDialog links a record to a chat: suggestions first, then the local
// record search. Picking a record queues the link and closes the dialog.
export function LinkDialog({ chatId, chatName, linked, onClose, onLinked }: Props) {
  const { t } = useI18n();
  const titleId = useId();
  const [q, setQ] = useState('');
  const [composing, setComposing] = useState(false);
  const [suggestions, setSuggestions] = useState<Suggestion[] | null>(null);
  const [results, setResults] = useState<{ q: string; cards: RecordCard[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    let live = true;
    api.links.suggest(chatId).then(
      (s) => live && setSuggestions(s),
      (e: unknown) => {
        if (!live) return;
        setSuggestions([]);
        setError(toAppError(e).message);
      },
    );
    return () => {
      live = false;
    };
  }, [chatId]);

  const query = q.trim();
  // Every keystroke restarts the wait (q, not query: a space is typing too).
  useEffect(() => {
    const n = ++seq.current; // a slow answer to an older query is dropped
    const want = q.trim();
    if (!want || composing) return;
    const timer = setTimeout(() => {
      api.links.find(want).then(
        (cards) => n === seq.current && setResults({ q: want, cards }),
        (e: unknown) => n === seq.current && setError(toAppError(e).message),
      );
    }, findDelayMs);
    return () => clearTimeout(timer);
  }, [q, composing]);

  const pick = (card: RecordCard) => {
    setBusy(true);
    setError(null);
    api.links.link(chatId, card.set, card.id).then(
      () => {
        onLinked();
        onClose();
      },
      (e: unknown) => {
        setBusy(false);
        setError(toAppError(e).message);
      },
    );
  };

  // Escape closes; Tab stays inside the dialog.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !box.current) return;
    const all = [...box.current.querySelectorAll<HTMLElement>('button:not(:disabled), input, a[href]')];
    const first = all[0];
    const last = all[all.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  };

  const choice = (card: RecordCard, testid: 'suggestion' | 'record-result', why?: Suggestion['why']) => {
    const already = linked.has(linkKey(card.set, card.id));
    const line = cardLine(card, t);
    return (
      <li key={`${card.set}/${card.id}`}>
        <button
          type="button"
          className="record-choice"
          data-testid={testid}
          data-set={card.set}
          data-id={card.id}
          disabled={busy || already || card.deleted === true}
          onClick={() => pick(card)}
        >
          <span className="choice-head">
            <KindBadge set={card.set} />
            <strong className="choice-title" data-user-content="">{card.title || card.id}</strong>
            {why && (
              <span className="why" data-testid="suggestion-why" data-why={why}>
                {t(`links.why.${why}` as MessageKey)}
              </span>
            )}
          </span>
          {line && <span className="choice-line">{line}</span>}
          {already && <span className="choice-note">{t('links.alreadyLinked')}</span>}
          {card.deleted && <span className="choice-note">{t('records.deleted')}</span>}
        </button>
      </li>
    );
  };

  const stale = query !== '' && results?.q !== query;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal link-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="link-dialog" ref={box} onKeyDown={onKeyDown}>
        <header className="modal-head">
          <h2 id={titleId}><Filled msg={t('links.dialog.title')} values={{ chat: chatName }} /></h2>
          <button type="button" className="close" aria-label={t('links.close')} title={t('links.close')} data-testid="link-dialog-close" onClick={onClose}>
            ×
          </button>
        </header>
        <input
          type="search"
          className="record-search"
          data-testid="record-search"
          aria-label={t('links.search.label')}
          placeholder={t('links.search.placeholder')}
          autoFocus
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onCompositionStart={() => setComposing(true)}
          onCompositionEnd={(e) => {
            setComposing(false);
            setQ(e.currentTarget.value);
          }}
        />
        {error && (
          <p className="status error" role="alert" data-testid="link-dialog-error">
            {t('links.failed')} {error}
          </p>
        )}
        <div className="link-choices" aria-busy={busy || stale}>
          {query === '' ? (
            <section aria-labelledby={`${titleId}-sug`}>
              <h3 id={`${titleId}-sug`}>{t('links.suggested')}</h3>
              {suggestions === null ? (
                <p className="hint">{t('loading')}</p>
              ) : suggestions.length === 0 ? (
                <p className="hint">{t('links.noSuggestions')}</p>
              ) : (
                <ul>{suggestions.map((s) => choice(s.card, 'suggestion', s.why))}</ul>
              )}
            </section>
          ) : (
            <section aria-labelledby={`${titleId}-res`}>
              <h3 id={`${titleId}-res`}>{t('links.results')}</h3>
              {!results ? (
                <p className="hint">{t('search.running')}</p>
              ) : results.cards.length === 0 ? (
                <p className="hint" data-testid="record-no-results">
                  {fill(t('links.noResults'), { q: results.q })}
                </p>
              ) : (
                <>
                  <ul className={stale ? 'stale' : undefined}>{results.cards.map((c) => choice(c, 'record-result'))}</ul>
                  {results.cards.length >= findLimit && <p className="hint">{fill(t('links.moreResults'), { n: findLimit })}</p>}
                </>
              )}
            </section>
          )}
        </div>
      </div>
    </div>
  );
}
