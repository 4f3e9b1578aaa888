import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, startDemo, waitSynced, type Demo } from './harness';

// The Metrics section on `rapport demo`: the dashboard on the synced
// small tenant, the uPlot chart drawn under the strict CSP with no
// violation, a figure's waits, and a wait opening its conversation;
// screenshots in light and dark.

let demo: Demo;
let appURL = '';
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo('metrics');
  appURL = demo.appURL;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

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
