import { useEffect, useRef, type KeyboardEvent } from 'react';
import { api, type Op, type OpView, type OutboxResult } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { useLinks } from './LinksContext';
import { useAction } from './useAction';
import { useLatest } from './useLatest';
import { KindBadge, realTime } from './parts';

// finished: the outbox is done with these (kept as history).
const finished = (o: OpView) => o.state === 'done' || o.state === 'discarded';
const troubled = (o: OpView) => o.state === 'failed' || o.state === 'conflict';

// useOutbox loads the outbox, again whenever links change.
function useOutbox(): { ops: OpView[] | null; error: string | null; replace(op: Op): void } {
  const { version } = useLinks();
  const { data: ops, error, setData: setOps } = useLatest(() => api.links.outbox(), [version]);
  // Retry and Discard answer the bare operation (no chat name or record
  // title): keep the names the outbox gave.
  const replace = (op: Op) => setOps((prev) => prev && prev.map((o) => (o.seq === op.seq ? { ...o, ...op } : o)));
  return { ops, error, replace };
}

// pushedText says what a push did, naming only the counts that are not
// zero (never "0 failed"); "" when it did nothing.
function pushedText(r: OutboxResult, t: (k: MessageKey) => string, locale: string): string {
  const parts = (['done', 'failed', 'conflicts', 'waiting'] as const)
    .filter((k) => r[k] > 0)
    .map((k) => fill(t(`pending.pushed.${k}`), { n: r[k] }, locale));
  return parts.length ? fill(t('pending.pushed'), { parts: parts.join(t('pending.pushed.sep')) }) : '';
}

// PendingButton sits in the sync bar: it counts the edits not yet in
// Dynamics 365 and opens the Pending changes panel. It stays away when the
// outbox cannot be read.
export function PendingButton() {
  const { t } = useI18n();
  const { pendingOpen, showPending } = useLinks();
  const { ops, error } = useOutbox();
  if (!ops || error) return null;
  const open = ops.filter((o) => !finished(o));
  const attention = open.some(troubled);
  return (
    <button
      type="button"
      className={`pending-button${attention ? ' attention' : ''}`}
      data-testid="pending-changes-button"
      data-attention={attention ? 'true' : undefined}
      aria-expanded={pendingOpen}
      aria-controls="pending-changes"
      onClick={() => showPending(!pendingOpen)}
    >
      {t('pending.title')}
      {open.length > 0 && (
        <span className="count" data-testid="pending-count">
          {open.length}
        </span>
      )}
    </button>
  );
}

// PendingHost shows the panel while it is open.
export function PendingHost() {
  const { pendingOpen, showPending } = useLinks();
  return pendingOpen ? <PendingChanges onClose={() => showPending(false)} /> : null;
}

// PendingChanges lists the outbox, newest first: what waits, what failed
// and what Dynamics 365 disagreed with (both sides shown), each with Retry
// or Discard. Nothing is resolved without the user.
export function PendingChanges({ onClose }: { onClose(): void }) {
  const { t, locale } = useI18n();
  const { pushed } = useLinks();
  const { ops, error, replace } = useOutbox();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    onClose();
  };

  const active = ops?.filter((o) => !finished(o)) ?? [];
  const done = ops?.filter(finished) ?? [];
  return (
    <aside className="pending-panel" id="pending-changes" data-testid="pending-changes" aria-labelledby="pending-changes-title" onKeyDown={onKeyDown}>
      <header className="pending-head">
        <h2 id="pending-changes-title" tabIndex={-1} ref={heading}>
          {t('pending.title')}
        </h2>
        <button type="button" className="close" aria-label={t('links.close')} title={t('links.close')} data-testid="pending-close" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="hint">{t('pending.intro')}</p>
      {pushed && pushedText(pushed, t, locale) && (
        <p className="pushed" data-testid="pushed-summary" aria-live="polite">
          {pushedText(pushed, t, locale)}
        </p>
      )}
      {error && (
        <p className="status error" role="alert">
          {t('links.failed')} {error}
        </p>
      )}
      {!ops && !error && <p className="hint">{t('loading')}</p>}
      {ops && active.length === 0 && <p className="hint" data-testid="pending-none">{t('pending.none')}</p>}
      {active.length > 0 && (
        <ul className="ops">
          {active.map((o) => (
            <OpRow key={o.seq} op={o} onChanged={replace} />
          ))}
        </ul>
      )}
      {done.length > 0 && (
        <details className="ops-finished">
          <summary>{fill(t('pending.finished'), { n: done.length })}</summary>
          <ul className="ops">
            {done.map((o) => (
              <OpRow key={o.seq} op={o} onChanged={replace} />
            ))}
          </ul>
        </details>
      )}
    </aside>
  );
}

function OpRow({ op, onChanged }: { op: OpView; onChanged(op: Op): void }) {
  const { t, locale } = useI18n();
  const { changed } = useLinks();
  const { busy, error, run } = useAction();
  const chat = op.chatName || op.chatId;
  const record = op.recordTitle || op.recordId;
  const waitingUntil = op.state === 'pending' && realTime(op.notBefore) && new Date(op.notBefore) > new Date() ? op.notBefore : undefined;

  const act = (call: (seq: number) => Promise<Op>) =>
    run(call(op.seq), (o) => {
      onChanged(o);
      changed();
    });

  const retry = troubled(op) || waitingUntil !== undefined;
  const discard = troubled(op) || op.state === 'pending';
  return (
    <li className={`op state-${op.state}`} data-testid="op" data-state={op.state} data-seq={op.seq}>
      <div className="op-head">
        <span className="op-kind" data-testid="op-kind">
          {t(`pending.kind.${op.kind}` as MessageKey)}
        </span>
        <KindBadge set={op.set} />
        <span className="op-what">
          <strong data-testid="op-chat">{chat}</strong>
          {op.kind !== 'join' && (
            <>
              <span aria-hidden="true"> ↔ </span>
              <strong data-testid="op-record">{record}</strong>
            </>
          )}
        </span>
        <span className={`op-state ${op.state}`} data-testid="op-state">
          {t(`pending.state.${op.state}` as MessageKey)}
        </span>
      </div>
      <p className="op-meta hint">
        <span data-testid="op-attempts">{fill(t('pending.attempts'), { n: op.attempts })}</span>
        {realTime(op.updated) && (
          <>
            {' · '}
            <time dateTime={op.updated}>{when(op.updated, locale)}</time>
          </>
        )}
        {waitingUntil && <> · {fill(t('pending.nextTry'), { at: when(waitingUntil, locale) })}</>}
      </p>
      {op.error && (
        <p className="op-error" data-testid="op-error">
          {op.error}
        </p>
      )}
      {troubled(op) && op.server && (
        <div className="op-sides" data-testid="op-sides">
          <section className="op-side" data-testid="op-server">
            <h4>{t('pending.server')}</h4>
            <ServerSide row={op.server} />
          </section>
          <section className="op-side mine" data-testid="op-mine">
            <h4>{t('pending.mine')}</h4>
            <p>{fill(t(`pending.want.${op.kind}` as MessageKey), { chat, record })}</p>
          </section>
        </div>
      )}
      {(retry || discard) && (
        <div className="op-actions">
          {retry && (
            <button type="button" className="small-button" data-testid="op-retry" title={t('pending.retryHint')} disabled={busy} onClick={() => act(api.links.retry)}>
              {t('pending.retry')}
            </button>
          )}
          {discard && (
            <button type="button" className="small-button" data-testid="op-discard" title={t('pending.discardHint')} disabled={busy} onClick={() => act(api.links.discard)}>
              {t('pending.discard')}
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="status error" role="alert" data-testid="op-action-error">
          {t('links.failed')} {error}
        </p>
      )}
    </li>
  );
}

// Names for the Dynamics 365 chats-table columns a conflict shows.
const serverLabels: Record<string, MessageKey> = {
  teamschatid: 'pending.field.teamschatid',
  regardingobjectid: 'pending.field.regardingobjectid',
  regardingobjecttypecode: 'pending.field.regardingobjecttypecode',
  linkedby: 'pending.field.linkedby',
  linkedon: 'pending.field.linkedon',
  subject: 'pending.field.subject',
};

const formatted = '@OData.Community.Display.V1.FormattedValue';

// serverEntries turns a Dataverse row into label/value pairs: annotations
// are dropped except formatted values, which replace the raw ones; lookups
// (_x_value) are named by their column.
export function serverEntries(row: Record<string, unknown>): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (k.includes('@') || v === null || v === undefined || v === '') continue;
    const shown = row[k + formatted];
    const value = typeof shown === 'string' && shown !== '' ? shown : typeof v === 'object' ? JSON.stringify(v) : String(v);
    out.push({ key: k.replace(/^_(.+)_value$/, '$1'), value });
  }
  return out;
}

function ServerSide({ row }: { row: Record<string, unknown> }) {
  const { t, locale } = useI18n();
  const entries = serverEntries(row);
  if (entries.length === 0) return <p className="hint">{t('pending.serverNone')}</p>;
  return (
    <dl className="card-fields">
      {entries.map(({ key, value }) => {
        const label = serverLabels[key];
        return (
          <div key={key}>
            <dt>{label ? t(label) : key}</dt>
            <dd>{key === 'linkedon' && realTime(value) ? when(value, locale) : value}</dd>
          </div>
        );
      })}
    </dl>
  );
}
