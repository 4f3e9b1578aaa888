import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './harness';

// Tags and what reads them, on `rapport demo`: a tag put on a search hit
// is found by tag:; a search's results tagged in bulk after the count is
// shown, found by tag:, undone; a thread tagged resolved counted by the
// metrics; the metrics settings saved from Settings.

let child: ChildProcess;
let dataDir: string;
let appURL = '';
let browser: Browser;

beforeAll(async () => {
  const bin = process.env.RAPPORT_BIN;
  if (!bin) throw new Error('RAPPORT_BIN must name the built rapport binary');
  dataDir = mkdtempSync(join(tmpdir(), 'rapport-tags-e2e-'));
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

// call is the UI's own request to Go, with the tab's session.
function call<T>(page: Page, method: string, args: unknown[] = []): Promise<T> {
  return page.evaluate(
    async ([m, a]) => {
      const r = await fetch(`/api/call/${m}`, { method: 'POST', body: JSON.stringify(a), headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
      if (!r.ok) throw new Error(`${m}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    [method, args] as const,
  ) as Promise<T>;
}

async function waitSynced(page: Page) {
  await expect
    .poll(async () => {
      const s = await call<{ running: boolean; last?: unknown; store: { messages: number } }>(page, 'Sync.Status');
      return !s.running && s.last !== undefined && s.store.messages > 0 ? 'synced' : 'waiting';
    }, { timeout: 60_000, interval: 500 })
    .toBe('synced');
}

// total is how many messages a query finds (what the UI's count says).
async function total(page: Page, q: string): Promise<number> {
  const r = await call<{ total: number }>(page, 'Search.Query', [{ q, sort: 'relevance', offset: 0, size: 1 }]);
  return r.total;
}

describe('tags', () => {
  test('tag a hit, bulk-tag a search after its count, find both by tag:, undo; a thread tagged resolved in the metrics; metrics settings saved', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(appURL);
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('rapport.session'))).toMatch(/^[0-9a-f]{64}$/);
    await waitSynced(page);

    // A hit, tagged from its context pane (keyboard: type, Enter).
    await page.goto(new URL('/#/search', appURL).toString());
    await page.keyboard.press('Control+k');
    await page.getByTestId('search-box').fill('invoice');
    await page.locator('[data-testid="hit"][data-kind="message"]').first().click();
    const editor = page.locator('[data-testid="context-pane"] [data-testid="tag-editor"][data-target^="message/"]');
    await editor.waitFor();
    await editor.getByTestId('tag-input').fill('#e2e-hit');
    await editor.getByTestId('tag-input').press('Enter');
    await editor.locator('[data-testid="tag-chip"][data-tag="e2e-hit"]').waitFor();
    await expect.poll(() => total(page, 'tag:e2e-hit'), { timeout: 30_000 }).toBe(1);

    // A search tagged in bulk: the count first, then the change.
    const query = 'payment';
    const hits = await total(page, query);
    expect(hits).toBeGreaterThan(1);
    await page.goto(new URL('/#/knowledge', appURL).toString());
    await page.getByTestId('bulk-query').fill(query);
    await page.getByTestId('bulk-tags').fill('+e2e-bulk');
    await page.getByTestId('bulk-form').locator('button[type="submit"]').click();
    const confirm = page.getByTestId('tags-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(String(hits));
    expect(await total(page, 'tag:e2e-bulk')).toBe(0); // nothing changed before yes
    await page.getByTestId('tags-confirm-yes').click();
    await page.getByTestId('tags-done').waitFor();
    await page.locator('[data-testid="tag-row"][data-tag="e2e-bulk"]').waitFor();
    await expect.poll(() => total(page, 'tag:e2e-bulk'), { timeout: 60_000 }).toBe(hits);
    // Undone: gone from the tags and from search.
    await page.getByTestId('tags-undo').locator('button').first().click();
    const undoConfirm = page.getByTestId('tags-confirm');
    if (await undoConfirm.isVisible()) await page.getByTestId('tags-confirm-yes').click();
    await page.locator('[data-testid="tag-row"][data-tag="e2e-bulk"]').waitFor({ state: 'detached' });
    await expect.poll(() => total(page, 'tag:e2e-bulk'), { timeout: 60_000 }).toBe(0);

    // A chat tagged resolved (by an alias of the topic) counts in the
    // metrics as a resolved thread.
    type Report = { total: { threadsResolved?: number }; conversations: { id: string; kind: string; messages: number }[] };
    const before = await call<Report>(page, 'Metrics.Report', [{}]);
    await call(page, 'Tags.Alias', ['resolved', '已解决']);
    const chat = before.conversations.find((c) => c.kind === 'chat' && c.messages > 0)!;
    await call(page, 'Tags.Set', [chat.id, ['已解决'], []]);
    const after = await call<Report>(page, 'Metrics.Report', [{}]);
    expect(after.total.threadsResolved ?? 0).toBe((before.total.threadsResolved ?? 0) + 1);

    // Settings → Client metrics: a target saved, then used by the report.
    await page.goto(new URL('/#/settings', appURL).toString());
    const target = page.getByTestId('metrics-target');
    await target.waitFor();
    await target.fill('45');
    await page.getByTestId('metrics-settings-save').click();
    await page.getByTestId('metrics-settings-saved').waitFor();
    const r = await call<{ targetSeconds: number }>(page, 'Metrics.Report', [{}]);
    expect(r.targetSeconds).toBe(45 * 60);
    if (process.env.RAPPORT_SCREENSHOT_DIR) {
      await page.getByTestId('metrics-settings').screenshot({ path: join(process.env.RAPPORT_SCREENSHOT_DIR, 'metrics-settings.png') });
    }
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
