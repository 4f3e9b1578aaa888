import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { catalogs, locales, type Locale } from '../src/i18n/messages';
import { sections } from '../src/sections/sections';
import { launchChromium, startServer, type Server } from './harness';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
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
  const resp = await page.goto(server.url);
  expect(resp?.status()).toBe(200);
  expect(page.url()).toBe(server.origin + '/'); // secret dropped from the address bar
  await page.getByTestId('shell').waitFor();
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
          expect(await empty.textContent()).toContain(cat[s.what]);
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
    const b = await openApp(ctx, problems);
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
    const resp = await page.goto(server.url);
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
  let cookie = '';
  beforeAll(async () => {
    const ctx = await browser.newContext();
    await openApp(ctx);
    const c = (await ctx.cookies()).find((c) => c.name === `rapport_${server.port}`);
    expect(c?.httpOnly).toBe(true);
    expect(c?.sameSite).toBe('Strict');
    cookie = `${c!.name}=${c!.value}`;
    await ctx.close();
  });

  const call = { path: '/api/call/System.Info', method: 'POST', body: '[]' };
  test.each([
    ['no secret: page', { path: '/' }],
    ['no secret: asset', { path: '/index.html' }],
    ['no secret: call', call],
    ['no secret: events', { path: '/api/events' }],
    ['wrong secret', { path: '/?k=0000' }],
  ])('%s → 403', async (_name, opts) => {
    const r = await raw(opts);
    expect(r.status).toBe(403);
  });

  test('with the cookie the call works', async () => {
    const r = await raw({ ...call, headers: { Cookie: cookie, Origin: server.origin } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).mode).toBe('browser');
  });

  test.each([
    ['foreign Origin', { Origin: 'http://evil.example' }],
    ['https look-alike Origin', { Origin: `https://127.0.0.1:${0}` }],
    ['foreign Host (DNS rebinding)', { Host: `evil.example:${0}` }],
    ['cross-site fetch', { 'Sec-Fetch-Site': 'cross-site' }],
  ])('%s → 403 even with the cookie', async (_name, headers) => {
    const h: Record<string, string> = { Cookie: cookie };
    for (const [k, v] of Object.entries(headers)) h[k] = v.replace(':0', `:${server.port}`);
    const r = await raw({ ...call, headers: h });
    expect(r.status).toBe(403);
  });

  test('a browser page on another origin cannot read the API', async () => {
    const ctx = await browser.newContext();
    await openApp(ctx); // the victim's browser holds the cookie
    const evil = await ctx.newPage();
    await evil.goto('about:blank');
    const outcome = await evil.evaluate(async (origin) => {
      try {
        const r = await fetch(`${origin}/api/call/System.Info`, { method: 'POST', body: '[]', credentials: 'include' });
        return `status ${r.status}`;
      } catch (e) {
        return `blocked: ${String(e)}`;
      }
    }, server.origin);
    expect(outcome).toMatch(/blocked|status 403/);
    await ctx.close();
  });
});
