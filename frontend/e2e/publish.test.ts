import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveArgs, serveURL, spawnRapport, startTenantsim, stopProcess, type Tenantsim } from './harness';

// A weekly digest built in the Metrics section and its summary posted to
// a channel while the tenant applies every write and then answers 503 (the
// outcome unknown to Rapport): the post lands in the channel exactly once,
// and the panel says so.

const procs: ChildProcess[] = [];
let dir: string;
let browser: Browser;
let sim: Tenantsim;

const tenant = (method: string, path: string, body?: unknown) => sim.call(method, path, body);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-publish-'));
  sim = await startTenantsim(8, dir, procs);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const p of [...procs]) await stopProcess(p, procs);
  rmSync(dir, { recursive: true, force: true });
});

// rpc calls one of Rapport's services from the page.
function rpc<T>(page: Page, name: string, args: unknown[] = []): Promise<T> {
  return page.evaluate(
    async ([n, a]) => {
      const r = await fetch(`/api/call/${n}`, { method: 'POST', body: JSON.stringify(a), headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
      return (await r.json()) as unknown;
    },
    [name, args] as const,
  ) as Promise<T>;
}

test('build a digest, post its summary while the tenant fails, see it land once', async () => {
  expect((await tenant('POST', '/_control/device', { flow: 'pending' })).status).toBe(204);
  const app = await spawnRapport(serveArgs(sim, join(dir, 'data')), serveURL, procs, { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '' });
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
  await page.goto(app.m[1]!);
  await page.getByTestId('sign-in-code').click();
  const code = await page.getByTestId('device-code').locator('code').textContent();
  expect((await tenant('GET', `/devicelogin?code=${code}`)).status).toBe(200);
  await expect.poll(async () => (await page.getByTestId('chat').count()) > 0, { timeout: 60_000, interval: 500 }).toBe(true);

  // The latest week customers waited in, and a channel to post to.
  const report = await rpc<{ weeks: { id: string; waits: number }[] }>(page, 'Metrics.Report', [{ from: '', to: '', account: '', hours: 'settings' }]);
  const week = report.weeks.filter((w) => w.waits > 0).map((w) => w.id).sort().at(-1)!;
  expect(week).toMatch(/^\d{4}-W\d{2}$/);
  const channels = await rpc<{ team: string; channel: string; teamName: string; channelName: string }[]>(page, 'Digests.Channels');
  const target = channels[0]!;

  await page.getByTestId('nav-metrics').click();
  const panel = page.getByTestId('digest-panel');
  await panel.waitFor();
  await page.getByTestId('digest-week').fill(week);
  await page.getByTestId('digest-build').click();
  const preview = page.getByTestId('digest-preview');
  await preview.waitFor();
  expect(await preview.textContent()).toContain(`Weekly digest ${week}: all accounts`);
  expect(await page.getByTestId('digest-which').locator('option').count()).toBeGreaterThan(1);
  await page.getByTestId('digest-which').selectOption({ index: 1 });
  expect(await preview.textContent()).toContain('What customers asked');

  // Every write from now on is applied and answered 503; some calls are
  // throttled too.
  expect((await tenant('POST', '/_control/faults', { spec: '503after=1,429=0.2,seed=4' })).status).toBe(200);
  await page.getByTestId('digest-channel').selectOption(`${target.team}/${target.channel}`);
  await page.getByTestId('digest-publish').click();
  const post = page.getByTestId('digest-post');
  await expect.poll(() => post.getAttribute('data-state')).toMatch(/pending|in-flight/);
  // Publishing again is the same publication.
  await page.getByTestId('digest-publish').click();
  expect(await post.count()).toBe(1);
  for (let i = 0; i < 6 && (await post.getAttribute('data-state')) !== 'done'; i++) {
    await page.getByTestId('sync-now').click();
    await expect.poll(async () => (await rpc<{ running: boolean }>(page, 'Sync.Status')).running, { timeout: 60_000, interval: 300 }).toBe(false);
  }
  await expect.poll(() => post.getAttribute('data-state'), { timeout: 30_000, interval: 500 }).toBe('done');
  expect(await post.textContent()).toContain(`Posted to ${target.teamName} / ${target.channelName}`);
  expect((await tenant('POST', '/_control/faults', { spec: '' })).status).toBe(200);

  type Msg = { html: string };
  const msgs = JSON.parse((await tenant('GET', `/_control/messages?conv=${encodeURIComponent(target.channel)}`)).body) as Msg[];
  expect(msgs.filter((m) => m.html.includes(`Weekly summary ${week}`))).toHaveLength(1);
  expect(violations).toEqual([]);
  await panel.screenshot({ path: join(process.env.RAPPORT_SCREENSHOT_DIR ?? dir, 'publish-digest.png') });
  await page.close();
});
