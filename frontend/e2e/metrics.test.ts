import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness';

// The Metrics section on `rapport demo`: the dashboard on the synced
// small tenant, the uPlot chart drawn under the strict CSP with no
// violation, a figure's waits, and a wait opening its conversation;
// screenshots in light and dark.

let child: ChildProcess;
let dataDir: string;
let appURL = '';
let browser: Browser;

beforeAll(async () => {
  const bin = process.env.RAPPORT_BIN;
  if (!bin) throw new Error('RAPPORT_BIN must name the built rapport binary');
  dataDir = mkdtempSync(join(tmpdir(), 'rapport-metrics-e2e-'));
  child = spawn(bin, ['demo', '--browser', '--size', 'small', '--data-dir', dataDir], {
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  appURL = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start; stderr:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const app = /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/.exec(out);
      if (app) {
        clearTimeout(timer);
        resolve(app[1]!);
      }
    });
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (child) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitSynced(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const r = await fetch('/api/call/Sync.Status', { method: 'POST', body: '[]', headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
          const s = (await r.json()) as { running: boolean; last?: unknown; store: { messages: number } };
          return !s.running && s.last !== undefined && s.store.messages > 0 ? 'synced' : 'waiting';
        }),
      { timeout: 60_000, interval: 500 },
    )
    .toBe('synced');
}

describe('metrics', () => {
  test('dashboard, chart under the CSP, a figure’s waits, a wait opening its conversation', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(appURL); // the printed one-time URL: this test's only page
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('rapport.session'))).toMatch(/^[0-9a-f]{64}$/);
    await waitSynced(page);
    await page.goto(new URL('/#/metrics', appURL).toString());
    await page.getByTestId('metrics-period').selectOption('all');
    // The chart: uPlot's canvas, drawn.
    const canvas = page.locator('[data-testid="metrics-chart"] canvas');
    // (The chart is drawn again when its data reloads: a scheduled sync, the
    // period; measure whichever canvas is there.)
    await expect.poll(async () => (await canvas.first().boundingBox())?.width ?? 0, { timeout: 30_000 }).toBeGreaterThan(300);
    expect(Number(await page.getByTestId('metric-waits').locator('.metric-value').textContent())).toBeGreaterThan(0);
    // Its numbers a click away.
    await page.getByTestId('metrics-numbers-toggle').click();
    expect(await page.locator('[data-testid="metrics-weeks"] tbody tr').count()).toBeGreaterThan(0);
    for (const theme of ['light', 'dark']) {
      await page.evaluate((th) => (document.documentElement.dataset.theme = th), theme);
      await canvas.first().waitFor();
      if (process.env.RAPPORT_SCREENSHOT_DIR) {
        await page.screenshot({ path: join(process.env.RAPPORT_SCREENSHOT_DIR, `metrics-${theme}.png`), fullPage: true });
      }
    }
    // The waits behind the median; one opens its conversation at the message.
    await page.getByTestId('metric-median').click();
    const wait = page.locator('[data-testid="metrics-evidence-list"] [data-testid="metrics-wait"]').first();
    await wait.waitFor();
    const href = (await wait.getAttribute('href'))!;
    expect(href).toMatch(/^#\/conversations\/[^/]+\/[^/]+$/);
    await wait.click();
    await expect.poll(() => page.evaluate(() => document.querySelector('.shell')?.getAttribute('data-section'))).toBe('conversations');
    await page.getByTestId('message').first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
