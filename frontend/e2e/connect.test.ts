import type { ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { catalogs } from '../src/i18n/messages';
import { launchChromium, spawnRapport } from './harness';

// A first run as someone who installed Rapport: no connection flags and no
// RAPPORT_* variables, only the data folder and the trust of the
// simulated tenant's CA (which no connection setting carries). The UI, in
// Chinese, says Rapport is not connected; the user fills Settings →
// Microsoft 365 connection against a running `rapport tenantsim`, signs
// in with a code and the first sync completes. Then the tenant revokes
// the sign-in: the sync bar says so after the next sync, and signing in
// again from the bar lets sync go on.

const zh = catalogs['zh-CN'];
const procs: ChildProcess[] = [];
let dir: string;
let dataDir: string;
let browser: Browser;
let page: Page;
let appURL = '';
let control = ''; // the tenant's control token
let urls: { authorityUrl: string; graphUrl: string; dataverseUrl: string; tenant: string; clientId: string };

// cleanEnv is the environment without any RAPPORT_* variable.
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAPPORT_')));
}

function tenantPost(path: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${urls.authorityUrl}${path}`, { method: 'POST', rejectUnauthorized: false, headers: { Authorization: `Bearer ${control}`, 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-connect-'));
  dataDir = join(dir, 'data');
  const sim = await spawnRapport(['tenantsim', '--size', 'small', '--seed', '9', '--json', '--ca-dir', dir], /(\{.*\})\n/, procs);
  const parsed = JSON.parse(sim.m[1]!) as { summary: { urls: typeof urls }; caFile: string; controlToken: string };
  urls = parsed.summary.urls;
  control = parsed.controlToken;
  // The user approves every sign-in at once (the test owns the tenant).
  expect(await tenantPost('/_control/device', { flow: 'approve' })).toBe(204);
  // Tokens in memory: the test must not touch the developer's keyring.
  const app = await spawnRapport(['serve', '--data-dir', dataDir, '--ca-file', parsed.caFile, '--token-cache', 'memory'],
    /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/, procs, cleanEnv());
  appURL = app.m[1]!;
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  for (const p of procs) {
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const syncState = () => page.getByTestId('sync-state');

test('first run without flags: set up in Settings, sign in with a code, first sync', async () => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(appURL);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('language').selectOption('zh-CN');
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

  // Not set up, said in Chinese, with no English from Go.
  await page.getByTestId('nav-conversations').click();
  expect(await page.getByTestId('setup-panel').textContent()).toContain(zh['setup.title']);
  await expect.poll(() => syncState().getAttribute('data-state')).toBe('not-ready:no_client_id');
  expect(await syncState().textContent()).toContain(zh['sync.notReady.no_client_id']);
  expect(await syncState().textContent()).not.toMatch(/client id|not set up|invalid input/);
  expect(await page.getByTestId('sign-in-code').count()).toBe(0);

  // The panel leads to the form, which explains the app registration.
  await page.getByTestId('setup-go').click();
  await expect.poll(() => page.url()).toContain('#/settings/connection');
  const connection = page.getByTestId('connection');
  expect(await connection.getByTestId('conn-state').textContent()).toContain(zh['connection.missing.no_client_id']);
  expect(await page.getByTestId('app-registration').textContent()).toContain(zh['connection.appReg.title']);
  expect(await page.getByTestId('perms-graph').textContent()).toContain('ChannelMessage.Read.All');

  // A mistyped client id is refused at its field, in Chinese.
  await page.getByTestId('conn-tenant').fill('lumen.onmicrosoft.com');
  await page.getByTestId('conn-clientId').fill('rapport');
  await page.getByTestId('conn-dataverseUrl').fill(urls.dataverseUrl);
  await page.locator('[data-testid="conn-advanced"] summary').click();
  await page.getByTestId('conn-authorityUrl').fill(urls.authorityUrl);
  await page.getByTestId('conn-graphUrl').fill(urls.graphUrl + '/v1.0');
  await page.getByTestId('conn-save').click();
  await expect.poll(() => page.getByTestId('conn-clientId').getAttribute('aria-invalid')).toBe('true');
  expect(await connection.textContent()).toContain(zh['connection.error.bad_client_id']);

  await page.getByTestId('conn-clientId').fill(urls.clientId);
  await page.getByTestId('conn-save').click();
  await expect.poll(() => page.getByTestId('conn-saved').textContent(), { timeout: 30_000 }).toBe(zh['connection.saved']);
  expect(await connection.getByTestId('conn-state').textContent()).toContain(zh['connection.ready']);

  // Sign in with a code from the sync bar: the simulated tenant approves it.
  await page.getByTestId('sign-in-code').click();
  await expect.poll(() => page.getByTestId('syncbar').textContent(), { timeout: 30_000 }).toContain('@lumen.onmicrosoft.com');
  await expect.poll(() => syncState().getAttribute('data-state'), { timeout: 60_000, interval: 500 }).toBe('done');
  const done = (await syncState().textContent()) ?? '';
  const written = /已更新 ([\d,]+) 条消息/.exec(done); // counts are formatted for the locale: 1,536
  expect(Number((written?.[1] ?? '0').replaceAll(',', '')), done).toBeGreaterThan(0);
  expect(done).not.toMatch(/0 errors|失败/);

  // The connection test reaches Dynamics 365 as the signed-in user.
  await page.getByTestId('conn-check').click();
  await expect.poll(() => page.getByTestId('conn-check-result').locator('[data-check="dataverse"]').textContent(), { timeout: 30_000 })
    .toContain('Dynamics 365：已连接');
  expect(await page.getByTestId('conn-check-result').textContent()).toContain(urls.tenant);
  await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/connect-settings-zh-CN.png`, fullPage: true });

  await page.getByTestId('nav-conversations').click();
  await expect.poll(async () => (await page.getByTestId('chat').count()) > 0, { timeout: 30_000 }).toBe(true);
  expect(await page.getByTestId('setup-panel').count()).toBe(0);
  // The store records where its data came from.
  expect(readdirSync(dataDir)).toContain('rapport.db');
  expect(problems).toEqual([]);
});

test('a revoked sign-in shows in the sync bar and is recovered by signing in again', async () => {
  expect(await tenantPost('/_control/revoke')).toBe(204);
  await page.getByTestId('sync-now').click();
  await expect.poll(() => syncState().getAttribute('data-state'), { timeout: 60_000, interval: 500 }).toBe('signed-out');
  expect(await syncState().textContent()).toBe(zh['sync.signedOut']);
  expect(await page.getByTestId('syncbar').textContent()).not.toContain('@lumen.onmicrosoft.com');
  await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/connect-signed-out-zh-CN.png` });

  // Both ways to sign in are offered; a code it is.
  expect(await page.getByTestId('sign-in-browser').count()).toBe(1);
  await page.getByTestId('sign-in-code').click();
  await expect.poll(() => page.getByTestId('syncbar').textContent(), { timeout: 30_000 }).toContain('@lumen.onmicrosoft.com');
  await expect.poll(() => syncState().getAttribute('data-state'), { timeout: 60_000, interval: 500 }).toBe('done');
  const text = (await page.getByTestId('syncbar').textContent()) ?? '';
  expect(text).not.toContain(zh['sync.signedOut']);
  expect(text).not.toMatch(/0 errors|0 个来源失败/);
}, 150_000); // its own waits: a sync to notice, a sign-in, a sync
