import { api, type Activity } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { useLinks } from '../links/LinksContext';
import { useLatest } from '../links/useLatest';

// ActivityItem is one task or note: its kind, title, due date and state
// (Dynamics' once synced; the outbox's while on its way).
function ActivityItem({ a, showRecord }: { a: Activity; showRecord?: boolean }) {
  const { t, locale } = useI18n();
  return (
    <li className="activity" data-testid="activity" data-kind={a.kind} data-state={a.state} data-id={a.id}>
      <span className="kind-badge">{t(`capture.kind.${a.kind}` as MessageKey)}</span> <strong>{a.title}</strong>
      {a.due && <span className="hint"> · {fill(t('capture.due'), { at: when(a.due, locale) })}</span>}
      {showRecord && a.regardingTitle && <span className="hint"> · {a.regardingTitle}</span>}
      {a.file && <span className="hint"> · {a.file}</span>}
      <span className={`activity-state state-${a.state}`} data-testid="activity-state">
        {' '}
        {t(`capture.state.${a.state}` as MessageKey)} {a.error ?? ''}
      </span>
    </li>
  );
}

// RecordActivities lists a record's tasks and notes (for cases, accounts,
// contacts and opportunities).
export function RecordActivities({ set, id }: { set: string; id: string }) {
  const { t } = useI18n();
  const { version } = useLinks();
  const { data, error } = useLatest(() => api.capture.activities(set, id), [set, id, version]);
  return (
    <section className="activities" data-testid="record-activities" aria-label={t('capture.activities')}>
      <h3>{t('capture.activities')}</h3>
      {error && <p className="status error">{error}</p>}
      {data && data.length === 0 && <p className="hint">{t('capture.none')}</p>}
      {data && data.length > 0 && (
        <ul>
          {data.map((a) => (
            <ActivityItem key={`${a.kind}/${a.id}`} a={a} />
          ))}
        </ul>
      )}
    </section>
  );
}

// FollowUps lists the user's tasks, open ones first.
export function FollowUps() {
  const { t } = useI18n();
  const { version } = useLinks();
  const { data, error } = useLatest(() => api.capture.followUps(), [version]);
  return (
    <section className="follow-ups" data-testid="follow-ups" aria-label={t('capture.followUps')}>
      <h3>{t('capture.followUps')}</h3>
      {error && <p className="status error">{error}</p>}
      {data && data.length === 0 && <p className="hint">{t('capture.followUpsNone')}</p>}
      {data && data.length > 0 && (
        <ul>
          {data.map((a) => (
            <ActivityItem key={a.id} a={a} showRecord />
          ))}
        </ul>
      )}
    </section>
  );
}
