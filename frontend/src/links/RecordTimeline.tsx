import { Filled } from '../i18n/Text';
import { api, crmSets, type RecordSet, type TimelineItem } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { recordLabel } from '../display/crm';
import { conversationHash } from '../display/routes';
import { RecordActivities } from '../capture/Activities';
import { RecordDetails } from './RecordDetails';
import { useLinks } from './LinksContext';
import { realTime } from './parts';
import { useAction } from './useAction';
import { useLatest } from './useLatest';

// RecordTimeline lists the chats linked to a record, rolled up (an account
// also shows the chats of its contacts and cases; each item says through
// which record), with who linked it and the chat's last message; threads
// and messages linked in Rapport too, with the thread's newest post or the
// message.
export function RecordTimeline({ set, id, title, onClose }: { set: string; id: string; title: string; onClose(): void }) {
  const { t, locale } = useI18n();
  const { version } = useLinks();
  const { data: items, error } = useLatest(() => api.links.timeline(set, id), [set, id, version]);

  const direct = (it: TimelineItem) => it.via.set === set && it.via.id.toLowerCase() === id.toLowerCase();
  return (
    <section className="timeline" data-testid="record-timeline" data-set={set} data-id={id} aria-labelledby="record-timeline-title">
      <header className="timeline-head">
        <h2 id="record-timeline-title"><Filled msg={t('timeline.title')} values={{ title }} /></h2>
        <button type="button" className="close" aria-label={t('links.close')} title={t('links.close')} data-testid="timeline-close" onClick={onClose}>
          ×
        </button>
      </header>
      <RecordDetails set={set} id={id} />
      <h3>{t('timeline.chats')}</h3>
      {error && (
        <p className="status error" role="alert">
          {t('links.failed')} {error}
        </p>
      )}
      {!items && !error && <p className="hint">{t('loading')}</p>}
      {items && items.length === 0 && <p className="hint" data-testid="timeline-none">{t('timeline.none')}</p>}
      {items && items.length > 0 && (
        <ol className="timeline-items">
          {items.map((it) => (
            <li key={`${it.chatId}|${it.via.set}/${it.via.id}`} className="timeline-item" data-testid="timeline-item" data-chat={it.chatId}>
              <div className="timeline-line">
                {it.local && (
                  <span className="kind-badge" data-testid="timeline-kind" data-kind={it.kind} title={t('timeline.local')}>
                    {t(it.kind === 'thread' ? 'timeline.kind.thread' : 'timeline.kind.message')}
                  </span>
                )}
                {it.member ? (
                  <a
                    href={conversationHash(it.convId ?? it.chatId, it.messageId)}
                    className="timeline-chat"
                    data-testid="timeline-chat"
                    title={t('timeline.open')}
                  >
                    <span data-user-content="">{it.chatName || it.convId || it.chatId}</span>
                  </a>
                ) : (
                  <span className="timeline-chat" data-testid="timeline-chat">
                    <span data-user-content="">{it.chatName || it.chatId}</span>
                  </span>
                )}
                <span className="timeline-via" data-testid="timeline-via">
                  {direct(it) ? t('timeline.direct') : <Filled msg={fill(t('timeline.via'), { kind: recordLabel(it.via.set, t) })} values={{ title: it.via.title || it.via.id }} />}
                </span>
              </div>
              {(it.linkedBy || realTime(it.linkedAt)) && (
                <p className="hint" data-testid="timeline-linked">
                  {it.linkedBy ? <Filled msg={t('links.linkedBy')} values={{ by: it.linkedBy }} /> : ''}
                  {it.linkedBy && realTime(it.linkedAt) ? ' · ' : ''}
                  {realTime(it.linkedAt) && <time dateTime={it.linkedAt}>{when(it.linkedAt, locale)}</time>}
                </p>
              )}
              {!it.member && <JoinLine it={it} />}
              {!it.member ? null : it.lastMessage ? (
                <blockquote className="timeline-last" data-testid="timeline-last">
                  <header>
                    <strong className="from" data-user-content="">{it.lastMessage.from}</strong>
                    {realTime(it.lastMessage.at) && <time dateTime={it.lastMessage.at}>{when(it.lastMessage.at, locale)}</time>}
                  </header>
                  {/* Plain text from Go, shown as text: never parsed as HTML. */}
                  <p data-user-content="">{it.lastMessage.text}</p>
                </blockquote>
              ) : (
                <p className="hint">{t('conv.noMessages')}</p>
              )}
            </li>
          ))}
        </ol>
      )}
      {crmSets[set as RecordSet]?.activities && <RecordActivities set={set} id={id} />}
    </section>
  );
}

// JoinLine is a linked chat the user is not in: Join (queued like any
// edit), the request's state, or why joining is off.
function JoinLine({ it }: { it: TimelineItem }) {
  const { t } = useI18n();
  const { changed, showPending } = useLinks();
  const { busy, error, run } = useAction();
  const join = () => run(api.links.join(it.chatId, it.via.set, it.via.id), changed);
  const state = it.join?.state;
  // done: Dynamics added the user; if a sync has not brought the chat in
  // (Teams lagging, or the user removed again), asking again is harmless.
  const open = !state || state === 'discarded' || state === 'done';
  return (
    <div className="timeline-join" data-testid="timeline-join" data-state={state ?? ''}>
      <p className="hint">{t('timeline.notMember')}</p>
      {open && it.canJoin && (
        <button type="button" className="small-button" data-testid="join-chat" title={t('timeline.joinHint')} disabled={busy} onClick={join}>
          {t('timeline.join')}
        </button>
      )}
      {open && it.joinOff && (
        <p className="hint" data-testid="join-off">
          {t('timeline.joinOff')}
        </p>
      )}
      {state && state !== 'discarded' && (
        <p className={`link-sync ${state}`} data-testid="join-state">
          {t(`timeline.join.${state}` as MessageKey)} {state === 'failed' || state === 'conflict' ? it.join?.error : ''}
        </p>
      )}
      {(state === 'failed' || state === 'conflict') && (
        <button type="button" className="link-button" data-testid="join-review" onClick={() => showPending(true)}>
          {t('links.review')}
        </button>
      )}
      {error && (
        <p className="status error" role="alert" data-testid="join-error">
          {error}
        </p>
      )}
    </div>
  );
}
