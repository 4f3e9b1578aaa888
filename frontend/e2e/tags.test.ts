import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApp as call, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// Tags and what reads them, on `rapport demo`: a tag put on a search hit
// is found by tag:; a search's results tagged in bulk after the count is
// shown, found by tag:, undone; a thread tagged resolved counted by the
// metrics; the metrics settings saved from Settings.

let demo: Demo;
let appURL = '';
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo('tags');
  appURL = demo.appURL;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

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
    // Found at once: tag: reads the store for messages the index has not caught up with.
    expect(await total(page, 'tag:e2e-hit')).toBe(1);

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
    expect(await total(page, 'tag:e2e-bulk')).toBe(hits);
    // Undone: gone from the tags and from search.
    await page.getByTestId('tags-undo').locator('button').first().click();
    const undoConfirm = page.getByTestId('tags-confirm');
    if (await undoConfirm.isVisible()) await page.getByTestId('tags-confirm-yes').click();
    await page.locator('[data-testid="tag-row"][data-tag="e2e-bulk"]').waitFor({ state: 'detached' });
    expect(await total(page, 'tag:e2e-bulk')).toBe(0);

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
