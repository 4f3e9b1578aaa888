import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toAppError, type MetricsAccount, type MetricsBy, type MetricsGroup, type MetricsHours, type MetricsQuery, type MetricsReport, type MetricsThread, type MetricsWait } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { conversationHash } from '../display/routes';
import { csv, day, duration, share } from './format';
import { DigestPanel } from './DigestPanel';
import { TrendChart } from './TrendChart';

type Preset = '4w' | '12w' | 'all' | 'custom';

// period turns a preset into the query's days (the last 4 or 12 weeks up
// to today, local days).
function period(p: Preset, from: string, to: string, today: Date): { from: string; to: string } {
  if (p === 'custom') return { from, to };
  if (p === 'all') return { from: '', to: '' };
  const start = new Date(today);
  start.setDate(start.getDate() - (p === '4w' ? 27 : 83));
  return { from: day(start), to: '' };
}

// download saves a blob under a name (an object URL: no data: address,
// nothing inline).
function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

interface Evidence {
  title: string;
  by: MetricsBy;
  id: string;
  waits: MetricsWait[] | null;
  threads: MetricsThread[] | null;
}

// MetricsView is the Metrics section: response times to customers (in
// working hours or wall time) with a period and an account filter, the
// weekly trend as a chart with its numbers a click away, accounts side by
// side, the distribution, and the customers waiting now; every figure
// opens the waits behind it, every wait the conversation at its message.
export function MetricsView({ version }: { version: number }) {
  const { t, locale } = useI18n();
  const [preset, setPreset] = useState<Preset>('4w');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [account, setAccount] = useState('');
  const [hours, setHours] = useState<MetricsHours>('settings');
  const [accounts, setAccounts] = useState<MetricsAccount[]>([]);
  const [report, setReport] = useState<MetricsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [numbers, setNumbers] = useState(false);
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const onCanvas = useCallback((c: HTMLCanvasElement | null) => (canvas.current = c), []);

  const q: MetricsQuery = { ...period(preset, custom.from, custom.to, new Date()), account, hours };
  const key = JSON.stringify(q);
  useEffect(() => {
    api.metrics.accounts().then(setAccounts, () => setAccounts([]));
  }, [version]);
  useEffect(() => {
    let live = true;
    const query = JSON.parse(key) as MetricsQuery;
    api.metrics.report(query).then(
      (r) => live && (setReport(r), setError(null)),
      (e: unknown) => live && setError(toAppError(e).message),
    );
    return () => {
      live = false;
    };
  }, [key, version]);
  useEffect(() => setEvidence(null), [key]);

  const show = (title: string, by: MetricsBy, id: string) => {
    setEvidence({ title, by, id, waits: null, threads: null });
    api.metrics.waits(JSON.parse(key) as MetricsQuery, by, id).then(
      (waits) => setEvidence((e) => (e && e.by === by && e.id === id ? { ...e, waits } : e)),
      (e: unknown) => setError(toAppError(e).message),
    );
    api.metrics.threads(JSON.parse(key) as MetricsQuery, by, id).then(
      (threads) => setEvidence((e) => (e && e.by === by && e.id === id ? { ...e, threads } : e)),
      (e: unknown) => setError(toAppError(e).message),
    );
  };
  const accountName = (g: MetricsGroup) => g.name || t('metrics.noAccount');
  const tot = report?.total;

  return (
    <div className="metrics" data-testid="metrics">
      <form className="metrics-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('metrics.period')}{' '}
          <select value={preset} onChange={(e) => setPreset(e.target.value as Preset)} data-testid="metrics-period">
            {(['4w', '12w', 'all', 'custom'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`metrics.period.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {preset === 'custom' && (
          <>
            <label>
              {t('metrics.from')} <input type="date" value={custom.from} onChange={(e) => setCustom((c) => ({ ...c, from: e.target.value }))} data-testid="metrics-from" />
            </label>
            <label>
              {t('metrics.to')} <input type="date" value={custom.to} onChange={(e) => setCustom((c) => ({ ...c, to: e.target.value }))} data-testid="metrics-to" />
            </label>
          </>
        )}
        <label>
          {t('metrics.account')}{' '}
          <select value={account} onChange={(e) => setAccount(e.target.value)} data-testid="metrics-account">
            <option value="">{t('metrics.allAccounts')}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name || a.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('metrics.clock')}{' '}
          <select value={hours} onChange={(e) => setHours(e.target.value as MetricsHours)} data-testid="metrics-hours">
            <option value="settings">{t('metrics.clock.settings')}</option>
            <option value="24x7">{t('metrics.clock.wall')}</option>
          </select>
        </label>
      </form>
      {error && <p className="status error" role="alert">{error}</p>}
      {report && tot && (
        <>
          <p className="hint" data-testid="metrics-basis">
            {fill(t('metrics.basis'), { target: duration(report.targetSeconds, locale), zone: report.zone })}
          </p>
          <div className="metric-cards">
            <button type="button" className="metric-card" data-testid="metric-waits" onClick={() => show(t('metrics.waits'), 'total', '')}>
              <span className="metric-label">{t('metrics.waits')}</span>
              <span className="metric-value">{tot.waits}</span>
              <span className="metric-sub">{fill(t('metrics.answeredOf'), { n: tot.answered }, locale)}</span>
            </button>
            <button type="button" className="metric-card" data-testid="metric-median" onClick={() => show(t('metrics.median'), 'total', '')}>
              <span className="metric-label">{t('metrics.median')}</span>
              <span className="metric-value">{duration(tot.medianSeconds, locale)}</span>
              <span className="metric-sub">{fill(t('metrics.p90Is'), { v: duration(tot.p90Seconds, locale) })}</span>
            </button>
            <button type="button" className="metric-card" data-testid="metric-within" onClick={() => show(t('metrics.withinTarget'), 'total', '')}>
              <span className="metric-label">{t('metrics.withinTarget')}</span>
              <span className="metric-value">{share(tot.withinTarget, locale)}</span>
              <span className="metric-sub">{fill(t('metrics.withinOf'), { n: tot.withinCount, of: tot.decided })}</span>
            </button>
            <button type="button" className="metric-card" data-testid="metric-unanswered" onClick={() => document.getElementById('metrics-unanswered')?.scrollIntoView?.()}>
              <span className="metric-label">{t('metrics.unanswered')}</span>
              <span className="metric-value">{report.unanswered.length}</span>
              <span className="metric-sub">{fill(t('metrics.activity'), { messages: tot.messages, customers: tot.activeCustomers }, locale)}</span>
            </button>
          </div>

          <section className="metrics-panel">
            <header className="metrics-panel-head">
              <h2>{t('metrics.chart.title')}</h2>
              <div className="metrics-actions">
                <button type="button" aria-pressed={numbers} onClick={() => setNumbers((n) => !n)} data-testid="metrics-numbers-toggle">
                  {t(numbers ? 'metrics.chart.hideNumbers' : 'metrics.chart.numbers')}
                </button>
                <button type="button" onClick={() => download(new Blob([csv(report.weeks)], { type: 'text/csv' }), 'rapport-metrics-weeks.csv')} data-testid="metrics-csv">
                  CSV
                </button>
                <button type="button" onClick={() => canvas.current?.toBlob((b) => b && download(b, 'rapport-metrics-weeks.png'))} data-testid="metrics-png">
                  PNG
                </button>
              </div>
            </header>
            {report.weeks.length === 0 ? <p className="hint">{t('metrics.none')}</p> : <TrendChart weeks={report.weeks} onCanvas={onCanvas} />}
            {numbers && (
              <GroupTable
                groups={report.weeks}
                label={(g) => g.id}
                testId="metrics-weeks"
                onPick={(g) => show(fill(t('metrics.weekOf'), { week: g.id }), 'week', g.id)}
              />
            )}
          </section>

          <section className="metrics-panel">
            <h2>{t('metrics.accounts')}</h2>
            <GroupTable
              groups={report.accounts}
              label={(g) => (g.quiet ? `${accountName(g)} · ${t('metrics.quiet')}` : accountName(g))}
              testId="metrics-accounts"
              cases
              onPick={(g) => show(accountName(g), 'account', g.id)}
            />
          </section>

          <section className="metrics-panel">
            <h2>{t('metrics.distribution')}</h2>
            <table className="metrics-table" data-testid="metrics-distribution">
              <tbody>
                {report.distribution.map((b, i) => {
                  const most = Math.max(1, ...report.distribution.map((x) => x.count));
                  const prev = i > 0 ? report.distribution[i - 1]!.upToSeconds : null;
                  const label = b.upToSeconds === null ? fill(t('metrics.over'), { v: duration(prev, locale) }) : fill(t('metrics.upTo'), { v: duration(b.upToSeconds, locale) });
                  return (
                    <tr key={i}>
                      <th scope="row">{label}</th>
                      <td>
                        <meter min={0} max={most} value={b.count} aria-label={label} />
                      </td>
                      <td className="num">{b.count}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>

          <section className="metrics-panel" id="metrics-unanswered">
            <h2>{fill(t('metrics.unansweredTitle'), { n: report.unanswered.length })}</h2>
            {report.unanswered.length === 0 ? <p className="hint">{t('metrics.noneWaiting')}</p> : <WaitList waits={report.unanswered.slice(0, 200)} testId="metrics-unanswered" />}
          </section>

          <section className="metrics-panel">
            <h2>{t('metrics.conversations')}</h2>
            <GroupTable
              groups={report.conversations.slice(0, 50)}
              label={(g) => g.name || g.id}
              testId="metrics-conversations"
              onPick={(g) => show(g.name || g.id, 'conversation', g.id)}
            />
          </section>
        </>
      )}
      <DigestPanel version={version} />
      {evidence && (
        <aside className="metrics-evidence" data-testid="metrics-evidence" aria-label={evidence.title}>
          <header className="metrics-panel-head">
            <h2>{fill(t('metrics.evidence'), { what: evidence.title })}</h2>
            <button type="button" onClick={() => setEvidence(null)}>
              {t('metrics.close')}
            </button>
          </header>
          {evidence.waits === null ? <p>{t('loading')}</p> : <WaitList waits={evidence.waits.slice(0, 500)} testId="metrics-evidence-list" />}
          {evidence.threads && evidence.threads.length > 0 && <ThreadList threads={evidence.threads} />}
        </aside>
      )}
    </div>
  );
}

// GroupTable lists groups' figures; a row opens the waits behind them.
function GroupTable({ groups, label, testId, cases, onPick }: {
  groups: MetricsGroup[];
  label: (g: MetricsGroup) => string;
  testId: string;
  cases?: boolean;
  onPick: (g: MetricsGroup) => void;
}) {
  const { t, locale } = useI18n();
  if (groups.length === 0) return <p className="hint">{t('metrics.none')}</p>;
  return (
    <table className="metrics-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">{t('metrics.waits')}</th>
          <th scope="col">{t('metrics.answered')}</th>
          <th scope="col">{t('metrics.median')}</th>
          <th scope="col">{t('metrics.p90')}</th>
          <th scope="col">{t('metrics.withinTarget')}</th>
          <th scope="col">{t('metrics.messages')}</th>
          <th scope="col">{t('metrics.customers')}</th>
          <th scope="col">{t('metrics.threads')}</th>
          {cases && <th scope="col">{t('metrics.cases')}</th>}
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.id} data-id={g.id} className={g.quiet ? 'quiet' : undefined}>
            <th scope="row">
              <button type="button" className="link" onClick={() => onPick(g)}>
                {label(g)}
              </button>
            </th>
            <td className="num">{g.waits}</td>
            <td className="num">{g.answered}</td>
            <td className="num">{duration(g.medianSeconds, locale)}</td>
            <td className="num">{duration(g.p90Seconds, locale)}</td>
            <td className="num">{share(g.withinTarget, locale)}</td>
            <td className="num">{g.messages}</td>
            <td className="num">{g.activeCustomers}</td>
            <td className="num">{fill(t('metrics.threadsOf'), { resolved: g.threadsResolved ?? 0, unresolved: g.threadsUnresolved ?? 0 })}</td>
            {cases && <td className="num">{fill(t('metrics.casesOf'), { resolved: g.casesResolved ?? 0, opened: g.casesOpened ?? 0 })}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ThreadList lists the threads tagged resolved or unresolved behind a
// group's count; each opens its conversation at its newest message.
function ThreadList({ threads }: { threads: MetricsThread[] }) {
  const { t, locale } = useI18n();
  return (
    <>
      <h3>{fill(t('metrics.threadsBehind'), { n: threads.length })}</h3>
      <ol className="metrics-waits" data-testid="metrics-threads">
        {threads.map((th) => (
          <li key={`${th.conversation}/${th.thread ?? ''}`} className={th.resolved ? 'within' : 'open'}>
            <a href={conversationHash(th.conversation, th.message)} data-testid="metrics-thread">
              <span className="who">{t(th.resolved ? 'metrics.resolved' : 'metrics.unresolved')}</span>
              <span className="where">{th.accountName ? `${th.accountName} · ${th.name}` : th.name}</span>
              <span className="when">{when(th.newest, locale)}</span>
            </a>
          </li>
        ))}
      </ol>
    </>
  );
}

// WaitList lists waits; each opens its conversation at the customer's message.
function WaitList({ waits, testId }: { waits: MetricsWait[]; testId: string }) {
  const { t, locale } = useI18n();
  if (waits.length === 0) return <p className="hint">{t('metrics.none')}</p>;
  return (
    <ol className="metrics-waits" data-testid={testId}>
      {waits.map((w) => (
        <li key={`${w.conversation}/${w.message}`} className={w.answered ? (w.withinTarget ? 'within' : 'late') : 'open'}>
          <a href={conversationHash(w.conversation, w.message)} data-testid="metrics-wait">
            <span className="who">{w.customer}</span>
            <span className="where">{w.accountName ? `${w.accountName} · ${w.name}` : w.name}</span>
            <span className="when">{when(w.start, locale)}</span>
            <span className="secs">{fill(t(w.answered ? 'metrics.answeredIn' : 'metrics.waitingFor'), { v: duration(w.seconds, locale) })}</span>
          </a>
        </li>
      ))}
    </ol>
  );
}
