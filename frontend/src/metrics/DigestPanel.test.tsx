import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setTransport, type DigestDoc, type DigestRequest, type Op, type PublishRequest, type Transport } from '../api';
import { I18nContext, translator, type Locale } from '../i18n';
import { DigestPanel, lastWeek } from './DigestPanel';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

const group = { waits: 3, answered: 2, unanswered: 1, medianSeconds: 600, p90Seconds: 900, withinTarget: 0.5, withinCount: 1, decided: 2, messages: 9, customerMessages: 5, activeCustomers: 2, conversations: 1 };

function doc(overview: boolean, name: string): DigestDoc {
  return {
    digest: { week: '2026-W48', from: '2026-11-23', to: '2026-11-29', zone: 'Asia/Shanghai', lang: 'en', targetSeconds: 1800, quietDays: 14,
      accounts: [{ id: 'acc-1', name, ...group, questions: [], open: [], cases: [] }], total: { id: '', name: '', ...group }, quiet: [], overview },
    markdownName: `digest-2026-W48-${overview ? 'overview' : 'acc'}.md`, htmlName: `digest-2026-W48-${overview ? 'overview' : 'acc'}.html`,
    markdown: overview ? '# Weekly digest 2026-W48: all accounts\n<script>alert(1)</script>' : `# Weekly digest 2026-W48: ${name}`,
  };
}

// fake serves the Digests service: posts queue once per week and channel,
// and land after two looks.
function fake() {
  const calls: { method: string; args: unknown[] }[] = [];
  const posts: Op[] = [];
  let looks = 0;
  const t: Transport = {
    kind: 'http',
    on: () => () => {},
    call: async (service, method, args) => {
      calls.push({ method: `${service}.${method}`, args });
      switch (`${service}.${method}`) {
        case 'Digests.Channels':
          return [{ team: 't1', teamName: 'Huadong', channel: 'c1', channelName: 'General' }];
        case 'Digests.Build':
          return [doc(true, ''), doc(false, '华东精密')];
        case 'Digests.Publish': {
          const r = args[0] as PublishRequest;
          if (posts.length === 0) posts.push({ seq: 7, id: 'op', kind: 'post', chatId: '', set: '', recordId: '', activityId: '', team: r.team, channel: r.channel, state: 'pending', attempts: 0, created: '', updated: '' });
          return posts[0];
        }
        case 'Digests.Publications':
          if (posts.length > 0 && ++looks > 2) posts[0] = { ...posts[0]!, state: 'done' };
          return posts.map((p) => ({ ...p }));
      }
      throw new Error(`unexpected call ${service}.${method}`);
    },
  };
  setTransport(t);
  return { of: (m: string) => calls.filter((c) => c.method === m).map((c) => c.args) };
}

function renderPanel(locale: Locale) {
  const f = fake();
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <DigestPanel version={0} />
    </I18nContext.Provider>,
  );
  return f;
}

describe('weekly digest', () => {
  test.each([
    ['2026-12-04', '2026-W48'],
    ['2021-01-10', '2020-W53'],
    ['2026-01-05', '2026-W01'],
    ['2027-01-04', '2026-W53'],
  ])('the week before %s is %s', (day, want) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    expect(lastWeek(new Date(y, m - 1, d))).toBe(want);
  });

  test('build a week in the user’s language, preview it as text, post the summary to a channel once and see it land', async () => {
    const f = renderPanel('fr');
    expect(screen.getByText('Synthèse hebdomadaire')).toBeTruthy();
    fireEvent.change(screen.getByTestId('digest-week'), { target: { value: '2026-W48' } });
    fireEvent.click(screen.getByTestId('digest-build'));
    const preview = await screen.findByTestId('digest-preview');
    expect(preview.textContent).toContain('<script>alert(1)</script>'); // shown as text, never run
    expect(preview.querySelector('script')).toBeNull();
    expect(f.of('Digests.Build')[0]![0]).toEqual({ week: '2026-W48', lang: 'fr' } satisfies DigestRequest);
    fireEvent.change(screen.getByTestId('digest-which'), { target: { value: '1' } });
    expect(screen.getByTestId('digest-preview').textContent).toContain('华东精密');

    fireEvent.change(screen.getByTestId('digest-channel'), { target: { value: 't1/c1' } });
    fireEvent.click(screen.getByTestId('digest-publish'));
    await waitFor(() => expect(screen.getByTestId('digest-post').getAttribute('data-state')).toBe('pending'));
    expect(screen.getByTestId('digest-post').textContent).toContain('Huadong / General');
    fireEvent.click(screen.getByTestId('digest-publish'));
    await waitFor(() => expect(screen.getByTestId('digest-post').getAttribute('data-state')).toBe('done'), { timeout: 10_000 });
    expect(screen.getAllByTestId('digest-post')).toHaveLength(1);
    expect(screen.getByTestId('digest-post').textContent).toContain('Publiée dans Huadong / General');
    expect(f.of('Digests.Publish')[0]![0]).toEqual({ week: '2026-W48', lang: 'fr', team: 't1', channel: 'c1' } satisfies PublishRequest);
  });
});
