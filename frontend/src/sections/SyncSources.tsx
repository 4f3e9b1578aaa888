import { useEffect, useState } from 'react';
import { api, type Cursor, type SyncStatus } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { when } from '../i18n/format';

interface Kind {
  kind: string;
  count: number;
  oldest?: string;
  errors: Cursor[];
}

// sourceKinds groups cursors by kind (chat, delta, history, dv) with the
// oldest last-sync time and the failures.
export function sourceKinds(cursors: Cursor[]): Kind[] {
  const kinds = new Map<string, Kind>();
  for (const c of cursors) {
    const kind = c.source.split(':')[0] ?? c.source;
    const k = kinds.get(kind) ?? { kind, count: 0, errors: [] };
    k.count++;
    const last = c.lastSync && !c.lastSync.startsWith('0001') ? c.lastSync : undefined;
    if (last && (!k.oldest || last < k.oldest)) k.oldest = last;
    if (c.state === 'error') k.errors.push(c);
    kinds.set(kind, k);
  }
  return [...kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

// SyncSources shows, in Settings, where tokens live and when each kind of
// source last synced, with failures in plain words.
export function SyncSources() {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    api.sync.status().then(setStatus, () => setStatus(null));
  }, []);
  if (!status) return null;
  const kinds = sourceKinds(status.store.cursors ?? []);
  return (
    <section aria-labelledby="sources">
      <h2 id="sources">{t('sources.title')}</h2>
      {status.tokenCache && (
        <p data-testid="token-cache">
          {t('sources.tokens')}{t('colon')}<strong>{t(`sources.tokens.${status.tokenCache}` as MessageKey)}</strong>
          {status.tokenCacheNote && <span className="hint"> — {status.tokenCacheNote}</span>}
        </p>
      )}
      {kinds.length === 0 ? (
        <p className="hint">{t('sync.never')}</p>
      ) : (
        <table className="sources" data-testid="sources">
          <tbody>
            {kinds.map((k) => (
              <tr key={k.kind}>
                <th>{t(`sources.${k.kind}` as MessageKey)}</th>
                <td>{k.count}</td>
                <td>{k.oldest ? `${t('sync.last')}${t('colon')}${when(k.oldest, locale)}` : t('sync.never')}</td>
                <td className={k.errors.length ? 'status error' : ''}>
                  {k.errors.length > 0 && `${k.errors.length} ${t('sources.failed')}${t('colon')}${k.errors[0]!.error ?? ''}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
