import type { ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, spawnRapport } from './harness';

// Sign-in from the UI against a tenant given only by endpoint flags: the
// sync bar shows the device code, the user approves it on the tenant's
// page, and the first sync brings the conversations in.

const procs: ChildProcess[] = [];
let dir: string;
let browser: Browser;
let appURL = '';
let urls: { authorityUrl: string; graphUrl: string; dataverseUrl: string; tenant: string; clientId: string };
let caFile = '';
let control = ''; // the tenant's control token: its user's password

function serveArgs(data: string): string[] {
  return ['serve', '--data-dir', join(dir, data), '--authority-url', urls.authorityUrl, '--graph-url', urls.graphUrl,
    '--dataverse-url', urls.dataverseUrl, '--tenant', urls.tenant, '--client-id', urls.clientId, '--ca-file', caFile,
    '--token-cache', 'memory'];
}

async function start(args: string[], match: RegExp): Promise<RegExpExecArray> {
  return (await spawnRapport(args, match, procs)).m;
}

function tenantPost(path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${urls.authorityUrl}${path}`, { method: 'POST', rejectUnauthorized: false, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${control}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function tenantGet(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${urls.authorityUrl}${path}`, { rejectUnauthorized: false, headers: { Authorization: `Bearer ${control}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-signin-'));
  const m = await start(['tenantsim', '--size', 'small', '--seed', '4', '--json', '--ca-dir', dir], /(\{.*\})\n/);
  const parsed = JSON.parse(m[1]!) as { summary: { urls: typeof urls }; caFile: string; controlToken: string };
  urls = parsed.summary.urls;
  control = parsed.controlToken;
  caFile = parsed.caFile;
  const app = await start(serveArgs('data'), /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/);
  appURL = app[1]!;
  browser = await launchChromium();
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

test('sign in by device code from the UI, then the first sync', async () => {
  expect(await tenantPost('/_control/device', { flow: 'pending' })).toBe(204);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(appURL);
  await page.getByTestId('sign-in-code').click();
  const code = await page.getByTestId('device-code').locator('code').textContent();
  expect(code).toMatch(/^[0-9A-F]{8}$/);
  expect(await page.getByTestId('device-code').locator('a').getAttribute('href')).toBe(`${urls.authorityUrl}/devicelogin`);
  // Someone else on the machine cannot approve it; the user can.
  const anonymous = control;
  control = 'guess';
  expect(await tenantGet(`/devicelogin?code=${code}`)).toBe(401);
  control = anonymous;
  expect(await tenantGet(`/devicelogin?code=${code}`)).toBe(200);
  await expect.poll(() => page.getByTestId('syncbar').textContent(), { timeout: 30_000 }).toContain('@lumen.onmicrosoft.com');
  await expect.poll(async () => (await page.getByTestId('chat').count()) > 0, { timeout: 60_000, interval: 500 }).toBe(true);
  expect(problems).toEqual([]);
  await page.close();
});

test('sign in through the browser (authorization code + PKCE), then the first sync', async () => {
  const app = await start(serveArgs('data-browser'), /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/);
  // The tenant's certificate comes from its own test CA.
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  await page.goto(app[1]!);
  const popup = ctx.waitForEvent('page');
  await page.getByTestId('sign-in-browser').click();
  const signInTab = await popup;
  // The tenant's sign-in page asks for the user's password.
  await signInTab.locator('input[name="password"]').fill(control);
  await signInTab.locator('button[type="submit"]').click();
  // The tenant's sign-in page posts the code back to Rapport on localhost.
  await expect.poll(() => page.getByTestId('syncbar').textContent(), { timeout: 30_000 }).toContain('@lumen.onmicrosoft.com');
  await expect.poll(() => signInTab.url()).toMatch(/^http:\/\/localhost:\d+/); // the tab lands there once the post returns
  await expect.poll(async () => (await page.getByTestId('chat').count()) > 0, { timeout: 60_000, interval: 500 }).toBe(true);
  await ctx.close();
});
