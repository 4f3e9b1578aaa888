import { useEffect, useState } from 'react';
import { api, Events, onEvent, toAppError, type ChannelChoice, type DigestDoc, type Op } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';

// lastWeek is the ISO week (YYYY-Www) before the one holding d.
export function lastWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate() - 7));
  t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7) + 3); // the week's Thursday holds its year
  const jan4 = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((t.getTime() - jan4.getTime()) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const stateKey = {
  pending: 'digest.state.pending',
  'in-flight': 'digest.state.inFlight',
  done: 'digest.state.done',
  failed: 'digest.state.failed',
  conflict: 'digest.state.failed',
  discarded: 'digest.state.discarded',
  local: 'digest.state.pending',
} as const;

// DigestPanel builds a week's digests (the overview and each account's),
// previews them, and posts the week's summary to a chosen channel through
// the outbox, showing whether it is waiting, being sent or posted.
export function DigestPanel({ version }: { version: number }) {
  const { t, locale } = useI18n();
  const [week, setWeek] = useState(() => lastWeek(new Date()));
  const [docs, setDocs] = useState<DigestDoc[] | null>(null);
  const [shown, setShown] = useState(0);
  const [channels, setChannels] = useState<ChannelChoice[]>([]);
  const [channel, setChannel] = useState('');
  const [posts, setPosts] = useState<Op[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.digests.channels().then(setChannels, () => setChannels([]));
  }, [version]);
  const refresh = () => {
    api.digests.publications(week).then(setPosts, () => setPosts([]));
  };
  useEffect(refresh, [week, version]);
  useEffect(() => onEvent(Events.outboxPushed, refresh));
  useEffect(() => {
    // While a post waits or is being sent, look again now and then.
    if (!posts.some((p) => p.state === 'pending' || p.state === 'in-flight')) return;
    const id = setInterval(refresh, 2000);
    return () => clearInterval(id);
  });

  const build = async () => {
    setBusy(true);
    setError(null);
    try {
      const ds = await api.digests.build({ week, lang: locale });
      setDocs(ds);
      setShown(0);
    } catch (e) {
      setError(toAppError(e).message);
      setDocs(null);
    } finally {
      setBusy(false);
    }
  };
  const publish = async () => {
    const ch = channels.find((c) => `${c.team}/${c.channel}` === channel);
    if (!ch) return;
    setError(null);
    try {
      await api.digests.publish({ week, lang: locale, team: ch.team, channel: ch.channel });
      refresh();
    } catch (e) {
      setError(toAppError(e).message);
    }
  };
  const name = (op: Op) => {
    const c = channels.find((x) => x.team === op.team && x.channel === op.channel);
    return c ? `${c.teamName} / ${c.channelName}` : (op.channel ?? '');
  };
  const doc = docs?.[shown];

  return (
    <section className="metrics-panel digest-panel" data-testid="digest-panel" aria-labelledby="digest-title">
      <h2 id="digest-title">{t('digest.title')}</h2>
      <p className="hint">{t('digest.what')}</p>
      <form
        className="metrics-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void build();
        }}
      >
        <label>
          {t('digest.week')}{' '}
          <input type="week" value={week} onChange={(e) => setWeek(e.target.value)} required data-testid="digest-week" />
        </label>
        <button type="submit" disabled={busy || !week} data-testid="digest-build">
          {t('digest.build')}
        </button>
      </form>
      {error && <p className="status error" role="alert">{error}</p>}
      {docs && doc && (
        <>
          <label>
            {t('digest.which')}{' '}
            <select value={shown} onChange={(e) => setShown(Number(e.target.value))} data-testid="digest-which">
              {docs.map((d, i) => (
                <option key={d.markdownName} value={i}>
                  {d.digest.overview ? t('digest.overview') : d.digest.accounts[0]?.name || t('digest.noAccount')}
                </option>
              ))}
            </select>
          </label>
          <p className="hint">{fill(t('digest.files'), { md: doc.markdownName, html: doc.htmlName })}</p>
          <pre className="digest-preview" data-testid="digest-preview" tabIndex={0}>
            {doc.markdown}
          </pre>
          <form
            className="metrics-filters"
            onSubmit={(e) => {
              e.preventDefault();
              void publish();
            }}
          >
            <label>
              {t('digest.channel')}{' '}
              <select value={channel} onChange={(e) => setChannel(e.target.value)} required data-testid="digest-channel">
                <option value="">{t('digest.chooseChannel')}</option>
                {channels.map((c) => (
                  <option key={`${c.team}/${c.channel}`} value={`${c.team}/${c.channel}`}>
                    {c.teamName} / {c.channelName}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={!channel} data-testid="digest-publish">
              {t('digest.publish')}
            </button>
          </form>
        </>
      )}
      {posts.length > 0 && (
        <ul className="digest-posts" data-testid="digest-posts">
          {posts.map((p) => (
            <li key={p.seq} data-state={p.state} data-testid="digest-post">
              {fill(t(stateKey[p.state]), { channel: name(p) })}
              {p.error && (p.state === 'failed' || p.state === 'conflict') ? ` — ${p.error}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
