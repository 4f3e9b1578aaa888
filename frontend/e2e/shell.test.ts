import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { catalogs, locales, type Locale } from '../src/i18n/messages';
import { sections } from '../src/sections/sections';
import { Keys, launchChromium, startServer, type Server } from './harness';

let server: Server;
let keys: Keys;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  keys = new Keys(server.url);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// watch fails the test on any console error or page error: a CSP violation
// or a failed call shows up there.
function watchInto(page: Page, problems: string[]): void {
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
}

async function openApp(ctx: BrowserContext, problems?: string[]): Promise<Page> {
  const page = await ctx.newPage();
  if (problems) watchInto(page, problems);
  const resp = await page.goto(await keys.url());
  expect(resp?.status()).toBe(200);
  await page.getByTestId('shell').waitFor();
  expect(page.url()).toBe(server.origin + '/'); // the key dropped from the address bar
  return page;
}

async function setLanguage(page: Page, l: Locale) {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('language').selectOption(l);
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(l);
}

describe('browser mode', () => {
  test('every section in every language', async () => {
    const ctx = await browser.newContext();
    const problems: string[] = [];
    const page = await openApp(ctx, problems);
    for (const l of locales) {
      await setLanguage(page, l);
      const cat = catalogs[l];
      for (const s of sections) {
        await page.getByTestId(`nav-${s.id}`).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe(cat[s.label]);
        expect(await page.getByTestId(`nav-${s.id}`).getAttribute('aria-current')).toBe('page');
        if (s.what) {
          const empty = page.getByTestId('empty-state');
          expect(await empty.textContent()).toContain(cat[s.what].replace(/`/g, ''));
          expect(await empty.textContent()).toContain(cat['empty.nothingYet']);
        }
      }
      await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/browser-${l}.png` });
    }
    // Settings shows where the data lives.
    await page.getByTestId('nav-settings').click();
    expect(await page.locator('.facts').first().textContent()).toContain('rapport.db');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  test('settings persist and reach other tabs through server events', async () => {
    const ctx = await browser.newContext();
    const problems: string[] = [];
    const a = await openApp(ctx, problems);
    // A second tab opened from the first carries its session along.
    const opened = ctx.waitForEvent('page');
    await a.evaluate(() => window.open('/'));
    const b = await opened;
    watchInto(b, problems);
    await b.getByTestId('shell').waitFor();
    await a.getByTestId('nav-settings').click();
    await a.getByTestId('theme-dark').click();
    await expect.poll(() => b.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await b.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(23, 28, 38)');
    await a.getByTestId('language').selectOption('fr');
    await expect.poll(() => b.locator('h1').textContent()).toBe(catalogs.fr['nav.conversations']);
    // A reload reads them back from the store.
    await b.reload();
    await expect.poll(() => b.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await a.getByTestId('theme-light').click();
    await expect.poll(() => a.getByTestId('theme-light').isChecked()).toBe(true);
    await a.getByTestId('language').selectOption('auto');
    expect(problems).toEqual([]);
    await ctx.close();
  });

  test('keyboard focus is visible', async () => {
    const ctx = await browser.newContext();
    const page = await openApp(ctx);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const st = getComputedStyle(el);
      return { tag: el.tagName, style: st.outlineStyle, width: st.outlineWidth };
    });
    expect(focused.tag).toBe('A');
    expect(focused.style).toBe('solid');
    expect(focused.width).toBe('3px');
    await ctx.close();
  });

  test('pages carry a strict CSP', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const resp = await page.goto(await keys.url());
    const csp = resp!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/https?:/);
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("script-src 'self'");
    // An injected inline script must not run.
    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = true';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { __pwned?: boolean }).__pwned === true;
    });
    expect(ran).toBe(false);
    await ctx.close();
  });
});

// raw sends a request with full control over Host and Origin headers.
function raw(opts: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser mode refuses strangers', () => {
  let token = '';
  beforeAll(async () => {
    token = await keys.session();
  });

  const call = { path: '/api/call/System.Info', method: 'POST', body: '[]' };
  test.each([
    ['no session: call', call],
    ['no session: events', { path: '/api/events' }],
    ['no session: a new key', { path: '/api/session/key', method: 'POST' }],
  ])('%s → 401', async (_name, opts) => {
    const r = await raw(opts);
    expect(r.status).toBe(401);
  });

  test('the printed key does not work twice, nor as a parameter', async () => {
    const key = new URL(server.url).searchParams.get('k');
    const r = await raw({ path: '/api/session', method: 'POST', body: JSON.stringify({ key }) });
    expect(r.status).toBe(403);
    expect((await raw({ ...call, path: `/api/call/System.Info?k=${key}` })).status).toBe(401);
  });

  test('with the session header the call works', async () => {
    const r = await raw({ ...call, headers: { 'X-Rapport-Session': token, Origin: server.origin } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).mode).toBe('browser');
  });

  test.each([
    ['foreign Origin', { Origin: 'http://evil.example' }],
    ['https look-alike Origin', { Origin: `https://127.0.0.1:${0}` }],
    ['foreign Host (DNS rebinding)', { Host: `evil.example:${0}` }],
    ['cross-site fetch', { 'Sec-Fetch-Site': 'cross-site' }],
  ])('%s → 403 even with the session header', async (_name, headers) => {
    const h: Record<string, string> = { 'X-Rapport-Session': token };
    for (const [k, v] of Object.entries(headers)) h[k] = v.replace(':0', `:${server.port}`);
    const r = await raw({ ...call, headers: h });
    expect(r.status).toBe(403);
  });

  test('/assets/ lists nothing', async () => {
    expect((await raw({ path: '/assets/' })).status).toBe(404);
  });

  test('a page on another local port sees nothing that opens the API, and cannot call it', async () => {
    // Another local server, as any local user or program could run.
    const seen: IncomingHttpHeaders[] = [];
    const evil = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><title>elsewhere</title><p>hello</p>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    const ctx = await browser.newContext();
    const app = await openApp(ctx); // the user's tab, signed in
    expect(await ctx.cookies()).toEqual([]);
    const page = await ctx.newPage();
    await page.goto(`${evilOrigin}/`);
    const outcome = await page.evaluate(async (origin) => {
      const tries: string[] = [`cookie=${document.cookie}`, `session=${sessionStorage.getItem('rapport.session')}`];
      for (const init of [{ credentials: 'include' }, { credentials: 'include', mode: 'no-cors' }] as RequestInit[]) {
        try {
          const r = await fetch(`${origin}/api/call/System.Info`, { ...init, method: 'POST', body: '[]' });
          tries.push(`status ${r.status} ${r.type}`);
        } catch (e) {
          tries.push(`blocked ${String(e)}`);
        }
      }
      return tries;
    }, server.origin);
    expect(outcome[0]).toBe('cookie=');
    expect(outcome[1]).toBe('session=null');
    expect(outcome[2]).toMatch(/blocked|status 40[13]/);
    // The user's tab goes on working; the other port saw no secret.
    expect(await app.evaluate(() => document.title)).toBeTruthy();
    const token = await keys.session();
    expect(seen.length).toBeGreaterThan(0);
    for (const h of seen) {
      expect(h.cookie).toBeUndefined();
      expect(JSON.stringify(h)).not.toContain(token);
    }
    await ctx.close();
    await new Promise((r) => evil.close(r));
  });

  test('a used URL opens nothing, even in a new browser', async () => {
    const url = await keys.url();
    const first = await browser.newContext();
    const used = await first.newPage();
    await used.goto(url);
    await used.getByTestId('shell').waitFor();
    expect(used.url()).toBe(server.origin + '/');
    await expect.poll(() => used.evaluate(() => sessionStorage.getItem('rapport.session'))).toMatch(/^[0-9a-f]{64}$/);
    const again = await browser.newContext();
    const page = await again.newPage();
    await page.goto(url);
    await expect.poll(() => page.url()).toBe(server.origin + '/'); // dropped even when it fails
    const r = await page.evaluate(async () => (await fetch('/api/call/System.Info', { method: 'POST', body: '[]' })).status);
    expect(r).toBe(401);
    expect(await page.evaluate(() => sessionStorage.getItem('rapport.session'))).toBeNull();
    await first.close();
    await again.close();
  });
});
