import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setTransport, type MetricsGroup, type MetricsQuery, type MetricsReport, type MetricsWait, type Transport } from '../api';
import { I18nContext, translator, type Locale } from '../i18n';
import { csv, duration, weekStart } from './format';
import { MetricsView } from './MetricsView';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

// uPlot draws on a canvas jsdom does not have: a stand-in records what
// the chart was given.
const charts = vi.hoisted(() => ({ made: [] as { opts: { series: { label?: string }[] }; data: (number | null)[][] }[], destroyed: 0 }));
vi.mock('uplot', () => ({
  default: class {
    ctx = { canvas: document.createElement('canvas') };
    constructor(opts: { series: { label?: string }[] }, data: (number | null)[][]) {
      charts.made.push({ opts, data });
    }
    setSize() {}
    destroy() {
      charts.destroyed++;
    }
  },
}));

afterEach(() => {
  cleanup();
  setTransport(null);
  charts.made.length = 0;
});

const fig = (over: Partial<MetricsGroup>): MetricsGroup => ({
  id: '', name: '', waits: 0, answered: 0, unanswered: 0, medianSeconds: null, p90Seconds: null, withinTarget: null, withinCount: 0, decided: 0,
  messages: 0, customerMessages: 0, activeCustomers: 0, conversations: 0, ...over,
});

const wait = (over: Partial<MetricsWait>): MetricsWait => ({
  conversation: '19:chat1@thread.v2', kind: 'chat', name: 'Huadong project', message: 'm1', customer: 'Wang Fang', customerId: 'g1',
  account: 'acc-hd', accountName: 'Huadong', week: '2026-W18', start: '2026-04-27T02:00:00Z', end: null, seconds: 600, answered: false,
  withinTarget: false, ...over,
});

function report(q: MetricsQuery): MetricsReport {
  return {
    query: q, zone: 'Asia/Shanghai', now: '2026-05-20T02:00:00Z', targetSeconds: 1800, quietDays: 14,
    total: fig({ waits: 8, answered: 6, unanswered: 2, medianSeconds: 300, p90Seconds: 3000, withinTarget: 0.7143, withinCount: 5, decided: 7, messages: 14, activeCustomers: 2 }),
    accounts: [
      fig({ id: 'acc-hd', name: 'Huadong', waits: 5, answered: 5, medianSeconds: 300, p90Seconds: 3000, withinTarget: 0.8, quiet: true, casesOpened: 2, casesResolved: 1 }),
      fig({ id: '', name: '', waits: 3, answered: 1, medianSeconds: 1200, p90Seconds: 1200 }),
    ],
    teams: [],
    conversations: [fig({ id: '19:chat1@thread.v2', name: 'Huadong project', kind: 'chat', waits: 5 })],
    weeks: [fig({ id: '2026-W18', waits: 5, medianSeconds: 300, p90Seconds: 3000 }), fig({ id: '2026-W21', waits: 3, medianSeconds: 1200, p90Seconds: 1200 })],
    distribution: [{ upToSeconds: 300, count: 3 }, { upToSeconds: 900, count: 1 }, { upToSeconds: null, count: 2 }],
    unanswered: [wait({ message: 'B', seconds: 6300 }), wait({ conversation: '19:chan1@thread.tacv2', kind: 'channel', thread: 'C', message: 'C', seconds: 600 })],
  };
}

function fakeMetrics() {
  const calls: { method: string; args: unknown[] }[] = [];
  const t: Transport = {
    kind: 'http',
    on: () => () => {},
    call: async (service, method, args) => {
      calls.push({ method: `${service}.${method}`, args });
      switch (`${service}.${method}`) {
        case 'Metrics.Report':
          return report(args[0] as MetricsQuery);
        case 'Metrics.Accounts':
          return [{ id: 'acc-hd', name: 'Huadong' }, { id: 'acc-br', name: 'Boreal' }];
        case 'Metrics.Threads':
          return [{ conversation: '19:chan1@thread.tacv2', kind: 'channel', name: 'Boreal / Support', thread: 'A', message: 'A1', newest: '2026-05-19T02:20:00Z', resolved: true, account: 'acc-br', accountName: 'Boreal' }];
        case 'Metrics.Waits':
          return [wait({ message: 'cc', answer: 'rc', seconds: 300, answered: true, withinTarget: true, end: '2026-04-27T02:05:00Z' })];
      }
      throw new Error(`unexpected call ${service}.${method}`);
    },
  };
  setTransport(t);
  return { of: (m: string) => calls.filter((c) => c.method === m).map((c) => c.args) };
}

function renderView(locale: Locale = 'en') {
  const f = fakeMetrics();
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <MetricsView version={0} />
    </I18nContext.Provider>,
  );
  return f;
}

describe('Metrics section', () => {
  test('the dashboard: figures, the weekly chart with its numbers a click away, the waits behind a figure, the unanswered list opening conversations', async () => {
    const f = renderView();
    const median = await screen.findByTestId('metric-median');
    expect(median.textContent).toContain('5 min');
    expect(median.textContent).toContain('90% within 50 min');
    expect(screen.getByTestId('metric-within').textContent).toContain('71%');
    expect(screen.getByTestId('metric-within').textContent).toContain('5 of 7 decided waits');
    // The last 4 weeks, working hours, every account by default.
    const q = f.of('Metrics.Report')[0]![0] as MetricsQuery;
    expect(q.hours).toBe('settings');
    expect(q.account).toBe('');
    expect(q.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The chart: weeks at their Mondays, median and p90 in minutes.
    await waitFor(() => expect(charts.made.length).toBeGreaterThan(0));
    const chart = charts.made.at(-1)!;
    expect(chart.data[0]).toEqual([Date.UTC(2026, 3, 27) / 1000, Date.UTC(2026, 4, 18) / 1000]);
    expect(chart.data[1]).toEqual([5, 20]);
    expect(chart.data[2]).toEqual([50, 20]);
    expect(chart.opts.series.map((s) => s.label)).toEqual(['Week of', 'Median first response', '90th percentile']);

    // Its numbers, one click away; a week opens its waits.
    expect(screen.queryByTestId('metrics-weeks')).toBeNull();
    fireEvent.click(screen.getByTestId('metrics-numbers-toggle'));
    const weeks = screen.getByTestId('metrics-weeks');
    const w18 = weeks.querySelector('tr[data-id="2026-W18"]')!;
    expect(w18.textContent).toContain('5 min');
    expect(w18.textContent).toContain('50 min');
    fireEvent.click(within(w18 as HTMLElement).getByRole('button'));
    const ev = await screen.findByTestId('metrics-evidence-list');
    expect(f.of('Metrics.Waits').at(-1)!.slice(1)).toEqual(['week', '2026-W18']);
    const link = within(ev).getByTestId('metrics-wait') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('#/conversations/19%3Achat1%40thread.v2/cc');
    expect(link.textContent).toContain('answered in 5 min');
    // And the threads tagged resolved or unresolved behind it.
    const thread = (await screen.findByTestId('metrics-thread')) as HTMLAnchorElement;
    expect(f.of('Metrics.Threads').at(-1)!.slice(1)).toEqual(['week', '2026-W18']);
    expect(thread.getAttribute('href')).toBe('#/conversations/19%3Achan1%40thread.tacv2/A1');
    expect(thread.textContent).toContain('resolved');

    // Accounts side by side: quiet flagged, cases, an unknown account named so.
    const accounts = screen.getByTestId('metrics-accounts');
    expect(accounts.querySelector('tr[data-id="acc-hd"]')!.textContent).toContain('Huadong · quiet');
    expect(accounts.querySelector('tr[data-id="acc-hd"]')!.textContent).toContain('1 of 2');
    expect(accounts.querySelector('tr[data-id=""]')!.textContent).toContain('No account known');

    // Waiting now, oldest first as Go sends them, each opening its message.
    const open = within(screen.getByTestId('metrics-unanswered')).getAllByTestId('metrics-wait') as HTMLAnchorElement[];
    expect(open.map((a) => a.getAttribute('href'))).toEqual([
      '#/conversations/19%3Achat1%40thread.v2/B',
      '#/conversations/19%3Achan1%40thread.tacv2/C',
    ]);
    expect(open[0]!.textContent).toContain('waiting for 1 hr 45 min');

    // The distribution: meters, no inline style anywhere (the CSP).
    expect(screen.getByTestId('metrics-distribution').querySelectorAll('meter')).toHaveLength(3);
    expect(document.querySelectorAll('[style]')).toHaveLength(0);
  });

  test('filters: an account, wall time, dates', async () => {
    const f = renderView();
    await screen.findByTestId('metric-median');
    await waitFor(() => expect(screen.getByTestId('metrics-account').querySelectorAll('option')).toHaveLength(3));
    fireEvent.change(screen.getByTestId('metrics-account'), { target: { value: 'acc-br' } });
    await waitFor(() => expect((f.of('Metrics.Report').at(-1)![0] as MetricsQuery).account).toBe('acc-br'));
    fireEvent.change(screen.getByTestId('metrics-hours'), { target: { value: '24x7' } });
    await waitFor(() => expect((f.of('Metrics.Report').at(-1)![0] as MetricsQuery).hours).toBe('24x7'));
    fireEvent.change(screen.getByTestId('metrics-period'), { target: { value: 'custom' } });
    fireEvent.change(screen.getByTestId('metrics-from'), { target: { value: '2026-05-18' } });
    fireEvent.change(screen.getByTestId('metrics-to'), { target: { value: '2026-05-24' } });
    await waitFor(() => expect(f.of('Metrics.Report').at(-1)![0]).toEqual({ from: '2026-05-18', to: '2026-05-24', account: 'acc-br', hours: '24x7' }));
  });

  test('in Chinese and French', async () => {
    renderView('zh-CN');
    expect((await screen.findByTestId('metric-median')).textContent).toContain('首次响应中位数');
    expect(screen.getByTestId('metrics-accounts').textContent).toContain('沉默');
    cleanup();
    renderView('fr');
    expect((await screen.findByTestId('metric-median')).textContent).toContain('Première réponse médiane');
  });
});

describe('metrics format', () => {
  test('durations in two units, ISO weeks at Mondays, CSV quoted with formulas defused', () => {
    expect(duration(null, 'en')).toBe('–');
    expect(duration(0, 'en')).toBe('0 sec');
    expect(duration(3 * 3600 + 5 * 60, 'en')).toBe('3 hr 5 min');
    expect(duration(50 * 3600, 'en')).toBe('2 days 2 hr');
    expect(weekStart('2026-W01')).toBe(Date.UTC(2025, 11, 29) / 1000); // 4 January 2026 is a Sunday
    expect(weekStart('2026-W53')).toBe(Date.UTC(2026, 11, 28) / 1000); // 2026 has 53 weeks
    expect(Number.isNaN(weekStart('W18'))).toBe(true);
    const out = csv([fig({ id: 'a1', name: '=HYPERLINK("x")', waits: 2, medianSeconds: 60 }), fig({ id: 'a2', name: 'Dupont, Durand' })]);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('id,name,waits,answered,unanswered,medianSeconds,p90Seconds,withinTarget,messages,customerMessages,activeCustomers');
    expect(lines[1]).toBe(`a1,"'=HYPERLINK(""x"")",2,0,0,60,,,0,0,0`);
    expect(lines[2]).toBe('a2,"Dupont, Durand",0,0,0,,,,0,0,0');
  });
});
