import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectNoEnglish, Keys, launchChromium } from './harness';
import { crmSets } from '../src/api/crm.gen';
import { catalogs, type Locale } from '../src/i18n/messages';

// `rapport demo` end to end: the simulated tenant, sign-in, sync, and the
// Conversations view in Chromium, including a hostile message posted by
// "a customer" that must render as text and run nothing.

let child: ChildProcess;
let dataDir: string;
let keys: Keys;
let tenantURL = '';
let controlToken = '';
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
      const token = /Authorization: Bearer ([0-9a-f]+)/.exec(out);
      if (app && tenant && token) {
        controlToken = token[1]!;
        keys = new Keys(app[1]!);
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
function control(path: string, body: unknown, method = 'POST'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${tenantURL}${path}`, { method, rejectUnauthorized: false, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${controlToken}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function waitSynced(page: Page) {
  // The page trades its one-time key for the session first.
  await expect.poll(() => page.evaluate(() => sessionStorage.getItem('rapport.session'))).toMatch(/^[0-9a-f]{64}$/);
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const r = await fetch('/api/call/Sync.Status', { method: 'POST', body: '[]', headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
          const s = (await r.json()) as { running: boolean; last?: { error?: unknown }; store: { messages: number } };
          return !s.running && s.last !== undefined && s.store.messages > 0 ? 'synced' : 'waiting';
        }),
      { timeout: 60_000, interval: 500 },
    )
    .toBe('synced');
}

// openSynced opens the app in a fresh browser context, collecting console
// errors and page errors, once sync is done.
async function openSynced() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(await keys.url());
  await waitSynced(page);
  return { ctx, page, problems };
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
    await page.goto(await keys.url());
    await waitSynced(page);
    await page.reload();
    await page.getByTestId('chat').first().waitFor();
    await expectNoEnglish(page, 'zh-CN', 'Conversations after the first sync');
    const chats = await page.getByTestId('chat').count();
    expect(chats).toBeGreaterThan(3);

    // A customer posts hostile HTML into the first chat; Rapport syncs it.
    const chatId = await page.evaluate(async () => {
      const r = await fetch('/api/call/Conversations.Chats', { method: 'POST', body: '[]', headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
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
  test('links in a message to another local port are dropped: clicking them reaches nothing', async () => {
    // A local server on another port: what a message's link could reach.
    const seen: IncomingHttpHeaders[] = [];
    const evil = createServer((req, res) => {
      seen.push(req.headers);
      res.end('hello');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const port = (evil.address() as AddressInfo).port;
    const { ctx, page, problems } = await openSynced();
    expect(page.url()).not.toContain('k='); // the one-time key is gone from the address bar
    expect(await ctx.cookies()).toEqual([]);
    const chatId = await page.evaluate(async () => {
      const r = await fetch('/api/call/Conversations.Chats', { method: 'POST', body: '[]', headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
      return ((await r.json()) as { id: string }[])[0]!.id;
    });
    const html =
      `<p>本地报表 <a href="http://127.0.0.1:${port}/steal">loopback-a</a> <a href="http://localhost:${port}/x">loopback-b</a> ` +
      `<a href="http://0x7f.1:${port}/y">loopback-c</a> <a href="http://192.168.1.1/">router</a> ` +
      `<a href="mailto:ops@lumen.example?subject=hi&attach=/etc/passwd">mail-link</a> <a href="https://docs.example.com/ok">docs-link</a></p>`;
    expect(await control('/_control/messages', { conv: chatId, html })).toBe(200);
    await page.getByTestId('sync-now').click();
    await waitSynced(page);
    await page.getByTestId('chat').first().click();
    const msg = page.locator('[data-testid="message"]').filter({ hasText: '本地报表' });
    await msg.first().waitFor({ timeout: 30_000 });
    const hrefs = await msg.first().locator('.body a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['mailto:ops@lumen.example?subject=hi', 'https://docs.example.com/ok']);
    for (const text of ['loopback-a', 'loopback-b', 'loopback-c']) await msg.first().getByText(text).click();
    await page.waitForTimeout(300); // any navigation or fetch would have reached the server by now
    expect(seen).toEqual([]);
    expect(ctx.pages().length).toBe(1);
    expect(problems).toEqual([]);
    await ctx.close();
    await new Promise((r) => evil.close(r));
  });
  test('search: highlighted hits, a facet, a hit in context, a saved search and a bad query', async () => {
    const { ctx, page, problems } = await openSynced();
    // The index catches up with the store in the background.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const r = await fetch('/api/call/Search.Status', { method: 'POST', body: '[]', headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
            const s = (await r.json()) as { state: string; indexed: number };
            return s.state === 'ready' && s.indexed > 0 ? 'ready' : s.state;
          }),
        { timeout: 60_000, interval: 500 },
      )
      .toBe('ready');

    // Ctrl+K focuses the box from any screen; typing searches as you type.
    await page.keyboard.press('Control+k');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('search-box');
    await page.keyboard.type('付款 ');
    await page.getByTestId('hit').first().waitFor();
    const marks = await page.locator('[data-testid="hit"] mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.some((m) => m.includes('付款'))).toBe(true);
    const countText = async () => (await page.getByTestId('search-count').textContent()) ?? '';
    const total = (s: string) => Number((/[\d,\s\u202f]+/.exec(s)?.[0] ?? '0').replace(/[^\d]/g, ''));
    const before = total(await countText());
    expect(before).toBeGreaterThan(0);

    // A facet narrows the results and its clause joins the query.
    const facet = page.locator('[data-testid="facet"][data-dim="from"]').first();
    const filter = (await facet.getAttribute('data-filter')) ?? '';
    expect(filter).toMatch(/^from:/);
    await facet.click();
    await expect.poll(async () => page.getByTestId('search-box').inputValue()).toContain(filter);
    await expect.poll(async () => total(await countText())).toBeLessThan(before);

    // A hit opens in context, its message marked.
    await page.getByTestId('hit').first().click();
    await page.keyboard.press('Enter');
    const pane = page.getByTestId('context-pane');
    await pane.locator('[data-testid="message"][aria-current="true"]').waitFor();
    expect(await pane.getByTestId('open-in-conversation').getAttribute('href')).toMatch(/^#\/conversations\//);

    // The search is saved and listed.
    await page.getByTestId('save-search').click();
    await page.getByTestId('save-search-name').fill('付款 e2e');
    await page.getByTestId('save-search-confirm').click();
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const r = await fetch('/api/call/Search.Saved', { method: 'POST', body: '[]', headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
          return ((await r.json()) as { name: string }[]).map((s) => s.name);
        }),
      )
      .toContain('付款 e2e');

    // A bad query says what is wrong, underlines where, and keeps the screen.
    await page.getByTestId('search-box').fill('付款 form:张伟');
    const err = page.getByTestId('query-error');
    await err.waitFor();
    expect(await err.getAttribute('data-code')).toBe('unknown_operator');
    expect(await page.getByTestId('query-error-span').textContent()).toContain('form');
    expect(await page.getByTestId('hit').count()).toBeGreaterThan(0);
    // Said in Chinese: no English from Go's parser beside it.
    await expectNoEnglish(page, 'zh-CN', 'a query error');
    await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/demo-search.png` });
    expect(problems).toEqual([]);
    await ctx.close();
  });
  test('links: link offline, push through a failing tenant, a key-field notice posted, a conflict resolved, the timeline', async () => {
    const { ctx, page, problems } = await openSynced();
    const call = <T>(method: string, ...args: unknown[]) =>
      page.evaluate(
        async ([m, a]) => {
          const r = await fetch(`/api/call/${m as string}`, { method: 'POST', body: JSON.stringify(a), headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
          return (await r.json()) as unknown;
        },
        [method, args] as const,
      ) as Promise<T>;

    // The tenant fails every request: the edit is kept and waits.
    expect(await control('/_control/faults', { spec: 'reset=1' })).toBe(200);
    await page.getByTestId('chat').first().click();
    const strip = page.getByTestId('linked-records');
    await strip.waitFor();
    await page.getByTestId('link-record').click();
    await page.getByTestId('link-dialog').waitFor();
    await page.getByTestId('record-search').fill('CAS-');
    const result = page.getByTestId('record-result').first();
    await result.waitFor();
    await result.click();
    const card = strip.locator('[data-testid="record-card"][data-set="incidents"]').first();
    await card.waitFor();
    expect(await card.getByTestId('link-sync').getAttribute('data-sync')).toBe('pending');
    const caseId = (await card.getAttribute('data-id'))!;
    await page.getByTestId('sync-now').click();
    await expect.poll(async () => (await call<{ state: string }[]>('Links.Outbox')).map((o) => o.state).join(), { timeout: 30_000 }).toMatch(/pending|in-flight/);
    await page.getByTestId('pending-changes-button').click();
    await page.locator('[data-testid="pending-changes"] [data-testid="op"]').first().waitFor();
    await page.getByTestId('pending-close').click();

    // The tenant is back: the next sync pushes it, once.
    expect(await control('/_control/faults', { spec: '' })).toBe(200);
    await waitSynced(page);
    await page.getByTestId('sync-now').click();
    await expect.poll(async () => (await call<{ state: string }[]>('Links.Outbox')).map((o) => o.state).join(), { timeout: 60_000 }).toBe('done');
    await expect.poll(async () => card.getByTestId('link-sync').count(), { timeout: 20_000 }).toBe(0); // synced: no badge

    // Another Dynamics user changes the case's priority: after a sync the
    // card shows the change; Post to chat sends it, once, on the next sync.
    const caseRow = (await call<{ id: string; fields: Record<string, unknown> }[]>('Records.List', 'incidents')).find((r) => r.id === caseId)!;
    const priority = (Number(caseRow.fields.prioritycode) % 3) + 1;
    expect(await control(`/_control/rows?set=incidents&id=${caseId}`, { prioritycode: priority }, 'PATCH')).toBe(204);
    await waitSynced(page);
    await page.getByTestId('sync-now').click();
    const notice = card.getByTestId('link-notice');
    await notice.waitFor({ timeout: 60_000 });
    // Dynamics' name of the field and its options' labels, in the UI's
    // language (the demo follows the system's), not the column and numbers.
    const cat = catalogs[(await page.evaluate(() => document.documentElement.lang)) as Locale];
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const priorities = crmSets.incidents.options.prioritycode!.map((o) => esc(cat[o.key])).join('|');
    expect(await notice.textContent()).toMatch(new RegExp('^' + esc(cat['links.notice'])
      .replace(esc('{label}'), esc(cat['crm.field.incidents.prioritycode']))
      .replace(esc('{old}'), `(${priorities})`)
      .replace(esc('{new}'), `(${priorities})`)));
    await card.getByTestId('notice-post').click();
    await expect.poll(() => card.getByTestId('link-notices').count()).toBe(0);
    await waitSynced(page);
    await page.getByTestId('sync-now').click();
    await expect.poll(async () => (await call<{ kind: string; state: string }[]>('Links.Outbox')).map((o) => `${o.kind}:${o.state}`).join(), { timeout: 60_000 }).toBe('notice:done,link:done');
    const firstChat = (await call<{ id: string }[]>('Conversations.Chats'))[0]!.id;
    await expect
      .poll(async () => {
        const page1 = await call<{ messages: { text?: string; html?: string }[] }>('Conversations.Messages', firstChat, '', 50);
        return page1.messages.filter((m) => JSON.stringify(m).includes('Key fields updated in Dynamics 365')).length;
      }, { timeout: 60_000 })
      .toBe(1);

    // A second case, deleted in Dynamics before the push: a conflict,
    // shown with its reason, then discarded.
    const other = (await call<{ id: string; set: string }[]>('Links.Find', 'CAS-')).find((r) => r.set === 'incidents' && r.id !== caseId)!;
    const chatId = (await call<{ id: string }[]>('Conversations.Chats'))[0]!.id;
    await call('Links.Link', chatId, 'incidents', other.id);
    expect(await new Promise<number>((resolve, reject) => {
      const req = request(`${tenantURL}/_control/rows?set=incidents&id=${other.id}`, { method: 'DELETE', rejectUnauthorized: false, headers: { Authorization: `Bearer ${controlToken}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    })).toBe(204);
    await page.getByTestId('sync-now').click();
    await page.getByTestId('pending-changes-button').click();
    const conflict = page.locator('[data-testid="op"][data-state="conflict"]');
    await conflict.waitFor({ timeout: 60_000 });
    expect(await conflict.getByTestId('op-error').textContent()).toContain('deleted upstream');
    await conflict.getByTestId('op-discard').click();
    await expect.poll(async () => (await call<{ state: string }[]>('Links.Outbox')).map((o) => o.state).join()).toBe('discarded,done,done');
    await page.getByTestId('pending-close').click();

    // The case's timeline shows the chat, offline, with its last message.
    await page.getByTestId('nav-records').click();
    await page.getByTestId('records-incidents').click();
    const row = page.locator(`[data-testid="record-row"][data-id="${caseId}"]`);
    await row.getByTestId('record-open').click();
    const item = page.locator('[data-testid="record-timeline"] [data-testid="timeline-item"]').first();
    await item.waitFor();
    expect(await item.getAttribute('data-chat')).toBe(chatId);
    expect((await item.getByTestId('timeline-last').textContent())?.length).toBeGreaterThan(0);
    // A channel thread linked to a case in Rapport (Dynamics links chats
    // only): a chip on the thread, the thread on the case's timeline,
    // nothing queued for Dynamics.
    const queued = (await call<unknown[]>('Links.Outbox')).length;
    await page.getByTestId('nav-conversations').click();
    await page.locator('.conv-list summary').first().click();
    await page.getByTestId('channel').first().click();
    const threadLinks = page.locator('[data-testid="post-links"][data-target^="thread/"]').first();
    await threadLinks.waitFor();
    await threadLinks.getByTestId('link-post').click();
    await page.getByTestId('record-search').fill('CAS-');
    const pick = page.getByTestId('record-result').first();
    await pick.waitFor();
    const threadCase = (await pick.getAttribute('data-id'))!;
    await pick.click();
    await threadLinks.locator(`[data-testid="post-link"][data-id="${threadCase}"]`).waitFor();
    expect((await call<unknown[]>('Links.Outbox')).length).toBe(queued);
    await page.getByTestId('nav-records').click();
    await page.getByTestId('records-incidents').click();
    await page.locator(`[data-testid="record-row"][data-id="${threadCase}"]`).getByTestId('record-open').click();
    const threadItem = page.locator('[data-testid="record-timeline"] [data-testid="timeline-item"]', { has: page.getByTestId('timeline-kind') }).first();
    await threadItem.waitFor();
    expect(await threadItem.getByTestId('timeline-kind').getAttribute('data-kind')).toBe('thread');
    expect(await threadItem.getByTestId('timeline-chat').getAttribute('href')).toMatch(/^#\/conversations\/.+\/\d+$/);
    await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/demo-links.png` });
    expect(problems).toEqual([]);
    await ctx.close();
  });
  test('records read like Dynamics in every language: its names, option labels, sortable columns', async () => {
    const { ctx, page, problems } = await openSynced();
    const cases = crmSets.incidents;
    const cells = (field: string) => page.locator(`[data-testid="record-row"] td[data-field="${field}"]`).allTextContents();
    const header = (field: string) => page.locator(`[data-testid="records-column"][data-field="${field}"]`);
    await page.getByTestId('nav-settings').click();
    const setting = await page.getByTestId('language').inputValue();
    for (const l of ['en', 'zh-CN', 'fr'] as Locale[]) {
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('language').selectOption(l);
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(l);
      const cat = catalogs[l];
      const label = (key: keyof typeof cat) => cat[key];
      await page.getByTestId('nav-records').click();
      await page.getByTestId('records-incidents').click();
      await page.getByTestId('record-row').first().waitFor();
      expect(await page.getByTestId('records-column').allTextContents()).toEqual(
        cases.table.map((c) => label(cases.fields.find((f) => f.name === c)!.key)),
      );
      // Option sets show their labels in the UI language, never numbers.
      const priorities = cases.options.prioritycode!.map((o) => label(o.key));
      const shown = await cells('prioritycode');
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.filter((p) => !priorities.includes(p))).toEqual([]);
      const states = cases.options.statecode!.map((o) => label(o.key));
      expect((await cells('statecode')).filter((p) => !states.includes(p))).toEqual([]);
      // A header sorts by what it shows, one way then the other.
      const collator = new Intl.Collator(l, { numeric: true, sensitivity: 'base' });
      await header('prioritycode').getByTestId('records-sort').click();
      expect(await header('prioritycode').getAttribute('aria-sort')).toBe('ascending');
      const up = await cells('prioritycode');
      expect(up).toEqual([...up].sort(collator.compare));
      await header('prioritycode').getByTestId('records-sort').click();
      expect(await header('prioritycode').getAttribute('aria-sort')).toBe('descending');
      expect(await cells('prioritycode')).toEqual([...up].reverse().sort((a, b) => collator.compare(b, a)));
      if (l !== 'en') await expectNoEnglish(page, l, 'Records: cases');
      await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/demo-records-${l}.png` });
    }
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').selectOption(setting);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
