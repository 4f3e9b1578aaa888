import { Filled } from '../i18n/Text';
import { useCallback, useId, useRef, useState } from 'react';
import { api, type LinkView, type UnlinkCode } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { useLinks } from './LinksContext';
import { LinkDialog } from './LinkDialog';
import { keyText } from '../display/crm';
import { CardFields, KindBadge, linkKey, OpenInDynamics, realTime } from './parts';
import { useAction } from './useAction';
import { useLatest } from './useLatest';
import { narrowWidth, useFold } from '../display/fold';

// LinkedRecords is a chat's strip of linked Dynamics 365 records: a card
// per link with its sync state, Open in Dynamics and Unlink, and a button
// to link another record. Edits are queued; the cards say so until a sync
// has pushed them.
export function LinkedRecords({ chatId, chatName }: { chatId: string; chatName: string }) {
  const { t } = useI18n();
  const { version, changed } = useLinks();
  const [dialog, setDialog] = useState(false);
  const [tick, setTick] = useState(0); // bumped after an edit made here
  const opener = useRef<HTMLButtonElement>(null);
  const headingId = useId();
  // Folded (in a narrow window, or by the user) the cards are one line of
  // chips, so the messages keep their room.
  const fold = useFold(narrowWidth);
  // Only the newest answer counts (a push may refresh while one is out).
  const { data: links, error } = useLatest(() => api.links.forChat(chatId), [chatId, version, tick]);

  const edited = useCallback(() => {
    setTick((x) => x + 1);
    changed();
  }, [changed]);

  const closeDialog = useCallback(() => {
    setDialog(false);
    opener.current?.focus();
  }, []);

  return (
    <section className={`linked ${fold.open ? 'cards-open' : 'cards-folded'}`} data-testid="linked-records" aria-labelledby={headingId}>
      <header className="linked-head">
        <h3 id={headingId}>
          {t('links.title')}
          {links && links.length > 0 ? ` (${links.length})` : ''}
        </h3>
        {links && links.length > 0 && !fold.open && (
          <ul className="link-chips" data-testid="link-chips">
            {links.map((l) => (
              <li key={linkKey(l.set, l.recordId)} className={`link-chip sync-${l.sync}`}>
                <KindBadge set={l.set} /> {l.record.title || l.recordId}
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="small-button" data-testid="link-record" ref={opener} onClick={() => setDialog(true)}>
          {t('links.link')}
        </button>
        {links && links.length > 0 && (
          <button type="button" className="small-button fold-toggle" data-testid="linked-toggle" aria-expanded={fold.open} onClick={fold.toggle}>
            {t(fold.open ? 'links.fold' : 'links.unfold')}
          </button>
        )}
      </header>
      {error && (
        <p className="status error" role="alert">
          {t('links.failed')} {error}
        </p>
      )}
      {links && links.length === 0 && <p className="hint">{t('links.none')}</p>}
      {links && links.length > 0 && fold.open && (
        <ul className="link-cards">
          {links.map((l) => (
            <li key={linkKey(l.set, l.recordId)}>
              <LinkCard l={l} onEdited={edited} />
            </li>
          ))}
        </ul>
      )}
      {dialog && (
        <LinkDialog
          chatId={chatId}
          chatName={chatName}
          linked={new Set((links ?? []).filter((l) => l.linked).map((l) => linkKey(l.set, l.recordId)))}
          onClose={closeDialog}
          onLinked={edited}
        />
      )}
    </section>
  );
}

function syncLabel(l: LinkView): MessageKey {
  if (l.sync === 'pending' && !l.linked) return 'links.sync.unlinkPending';
  return `links.sync.${l.sync}` as MessageKey;
}

const unlinkCodes: readonly UnlinkCode[] = ['owner', 'linker', 'owner-or-linker', 'privileged'];

// unlinkReason says, in the user's language, who may unlink: from Go's
// code when it sent one, else its English reason, else a general refusal.
function unlinkReason(l: Pick<LinkView, 'unlinkCode' | 'unlinkReason'>, t: (k: MessageKey) => string): string {
  if (l.unlinkCode && unlinkCodes.includes(l.unlinkCode)) return t(`links.unlinkCode.${l.unlinkCode}`);
  return l.unlinkReason || t('links.unlinkNotAllowed');
}

function LinkCard({ l, onEdited }: { l: LinkView; onEdited(): void }) {
  const { t, locale } = useI18n();
  const { showPending } = useLinks();
  const { busy, error, run } = useAction();
  const reasonId = useId();
  const card = l.record;
  const reason = unlinkReason(l, t);

  const unlink = () => run(api.links.unlink(l.chatId, l.set, l.recordId), onEdited);

  const classes = ['link-card', `sync-${l.sync}`, l.linked ? '' : 'unlinking', card.deleted ? 'deleted' : ''].filter(Boolean).join(' ');
  return (
    <article className={classes} data-testid="record-card" data-set={l.set} data-id={l.recordId} data-linked={String(l.linked)}>
      <header className="link-card-head">
        <KindBadge set={l.set} />
        {l.sync !== 'synced' && (
          <span className={`link-sync ${l.sync}`} data-testid="link-sync" data-sync={l.sync} title={l.error}>
            {t(syncLabel(l))}
          </span>
        )}
      </header>
      <h4 className="link-title" data-user-content="">{card.title || l.recordId}</h4>
      {card.deleted && <p className="hint deleted-mark">{t('records.deleted')}</p>}
      {card.waiting && <p className="hint" data-testid="record-waiting">{t('links.waiting')}</p>}
      <CardFields card={card} />
      {l.notices && l.notices.length > 0 && (
        <div className="link-notices" data-testid="link-notices">
          <ul>
            {l.notices.map((n, i) => (
              <li key={i} data-testid="link-notice">
                {fill(t('links.notice'), { label: keyText(n.key, n.label, t), old: keyText(n.oldKey, n.old, t) || '—', new: keyText(n.newKey, n.new, t) || '—' })}{' '}
                <time className="hint" dateTime={n.at}>{when(n.at, locale)}</time>
              </li>
            ))}
          </ul>
          <NoticeActions l={l} onDone={onEdited} />
        </div>
      )}
      {l.error && (
        <p className="link-error" data-testid="link-error">
          {l.error}
        </p>
      )}
      {l.sync !== 'synced' && l.opSeq !== undefined && (
        <button type="button" className="link-button" data-testid="link-review" onClick={() => showPending(true)}>
          {t('links.review')}
        </button>
      )}
      {(l.by || realTime(l.at)) && (
        <p className="hint link-by">
          {l.by ? <Filled msg={t('links.linkedBy')} values={{ by: l.by }} /> : ''}
          {l.by && realTime(l.at) ? ' · ' : ''}
          {realTime(l.at) && <time dateTime={l.at}>{when(l.at, locale)}</time>}
        </p>
      )}
      <footer className="link-card-foot">
        <OpenInDynamics url={card.url} />
        {l.linked && (
          <button
            type="button"
            className="small-button"
            data-testid="unlink"
            disabled={!l.canUnlink || busy}
            title={l.canUnlink ? undefined : reason}
            aria-describedby={l.canUnlink ? undefined : reasonId}
            onClick={unlink}
          >
            {t('links.unlink')}
          </button>
        )}
      </footer>
      {l.linked && !l.canUnlink && (
        <p className="hint unlink-reason" id={reasonId} data-testid="unlink-reason">
          {reason}
        </p>
      )}
      {error && (
        <p className="status error" role="alert" data-testid="unlink-error">
          {error}
        </p>
      )}
    </article>
  );
}

// NoticeActions posts a card's notices to the chat (queued, as the user)
// or dismisses them, up to the newest one shown: a change synced after
// the user looked stays.
function NoticeActions({ l, onDone }: { l: LinkView; onDone(): void }) {
  const { t } = useI18n();
  const { busy, error, run: start } = useAction();
  // Go lists notices oldest first; their times are not compared here
  // (RFC 3339 strings of different precision do not sort as text).
  const upTo = l.notices?.at(-1)?.at ?? '';
  const run = (call: Promise<unknown>) => start(call, onDone);
  return (
    <div className="notice-actions">
      <button
        type="button"
        className="small-button"
        data-testid="notice-post"
        title={t('links.notice.postHint')}
        disabled={busy}
        onClick={() => run(api.links.postNotices(l.chatId, l.set, l.recordId, upTo))}
      >
        {t('links.notice.post')}
      </button>
      <button
        type="button"
        className="link-button"
        data-testid="notice-dismiss"
        disabled={busy}
        onClick={() => run(api.links.dismissNotices(l.chatId, l.set, l.recordId, upTo))}
      >
        {t('links.notice.dismiss')}
      </button>
      {error && (
        <p className="status error" role="alert" data-testid="notice-error">
          {error}
        </p>
      )}
    </div>
  );
}
