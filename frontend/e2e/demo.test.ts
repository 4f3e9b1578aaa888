import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness';

// `rapport demo` end to end: the simulated tenant, sign-in, sync, and the
// Conversations view in Chromium, including a hostile message posted by
// "a customer" that must render as text and run nothing.

let child: ChildProcess;
let dataDir: string;
let appURL = '';
let tenantURL = '';
let browser: Browser;

beforeAll(async () => {
  const bin = process.env.RAPPORT_BIN;
  if (!bin) throw new Error('RAPPORT_BIN must name the built rapport binary');
  dataDir = mkdtempSync(join(tmpdir(), 'rapport-demo-e2e-'));
  child = spawn(bin, ['demo', '--browser', '--size', 'small', '--data-dir', dataDir], {
    env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start; stderr:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const app = /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/.exec(out);
      const tenant = /simulated tenant (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (app && tenant) {
        appURL = app[1]!;
        tenantURL = tenant[1]!;
        clearTimeout(timer);
        resolve();
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

// control posts to the tenant's control API (its certificate is the
// tenant's own test CA, so this loopback call skips verification).
function control(path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${tenantURL}${path}`, { method: 'POST', rejectUnauthorized: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function waitSynced(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const r = await fetch('/api/call/Sync.Status', { method: 'POST', body: '[]' });
          const s = (await r.json()) as { running: boolean; last?: { error?: unknown }; store: { messages: number } };
          return !s.running && s.last !== undefined && s.store.messages > 0 ? 'synced' : 'waiting';
        }),
      { timeout: 60_000, interval: 500 },
    )
    .toBe('synced');
}

describe('demo', () => {
  test('synced data shows up and hostile HTML runs nothing', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript(() => {
      (window as unknown as { __csp: string[] }).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(e.violatedDirective));
    });
    await page.goto(appURL);
    await waitSynced(page);
    await page.reload();
    await page.getByTestId('chat').first().waitFor();
    const chats = await page.getByTestId('chat').count();
    expect(chats).toBeGreaterThan(3);

    // A customer posts hostile HTML into the first chat; Rapport syncs it.
    const chatId = await page.evaluate(async () => {
      const r = await fetch('/api/call/Conversations.Chats', { method: 'POST', body: '[]' });
      return ((await r.json()) as { id: string }[])[0]!.id;
    });
    const hostile =
      '<p>发票请查收 <img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script>' +
      '<a href="javascript:window.__pwned=3">查看发票</a><svg onload="window.__pwned=4"></svg>' +
      '<iframe src="https://evil.example"></iframe></p>';
    expect(await control('/_control/messages', { conv: chatId, html: hostile })).toBe(200);
    await page.getByTestId('sync-now').click();
    await waitSynced(page);
    await page.getByTestId('chat').first().click();
    const body = page.locator('[data-testid="message"]').filter({ hasText: '发票请查收' });
    await body.first().waitFor();
    await page.locator('[data-testid="message"] a', { hasText: '查看发票' }).count().then((n) => expect(n).toBe(0));
    expect(await body.first().locator('script, iframe, svg').count()).toBe(0);
    const html = await body.first().innerHTML();
    expect(html).not.toMatch(/onerror|onload|javascript:/i);
    // Give any handler a chance to fire, then check nothing ran.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);

    // A channel opens with its messages and members with roles.
    await page.locator('.conv-list summary').first().click();
    await page.getByTestId('channel').first().click();
    await page.getByTestId('message').first().waitFor();
    expect(await page.locator('.members li[data-role="owner"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/demo-conversations.png` });
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
