import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { callApp as call, launchChromium, startDemo, type Demo } from './harness';

// The knowledge base on `rapport demo`: a channel thread marked best and
// a FAQ entry drafted from it, from Conversations with the keyboard; both
// listed in the Knowledge section, the entry edited and made a template
// that one key copies; the month's archive built and previewed, inert
// (no script, nothing the page's CSP refuses).

let demo: Demo;
let appURL = '';
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo('knowledge');
  appURL = demo.appURL;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

interface Best {
  target: string;
  month: string;
  title: string;
  topic: string;
}

describe('knowledge', () => {
  test('mark a thread best, draft a FAQ entry, edit it, copy its template with one key, build and preview the archive', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(appURL).origin });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
    });
    await page.goto(appURL);
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('rapport.session'))).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(async () => (await page.getByTestId('channel').count()) > 0, { timeout: 60_000, interval: 500 }).toBe(true);

    // Conversations: a channel's first thread, marked best with the keyboard.
    const team = page.locator('nav.conv-list details').first();
    if ((await team.getAttribute('open')) === null) await team.locator('summary').click();
    await team.getByTestId('channel').first().click();
    const thread = page.locator('[data-testid="post-links"][data-target^="thread/"]').first();
    await thread.waitFor();
    const target = (await thread.getAttribute('data-target'))!;
    await thread.getByTestId('knowledge-menu').focus();
    await page.keyboard.press('Enter');
    await thread.getByTestId('knowledge-best').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('knowledge-dialog');
    await dialog.waitFor();
    await page.keyboard.type('#付款'); // the topic field has the focus
    await dialog.getByTestId('knowledge-reason').fill('clear root cause and fix');
    await dialog.getByTestId('knowledge-reason').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await thread.getByTestId('knowledge-done').waitFor();
    const bests = await call<Best[]>(page, 'Knowledge.ListBest', [{}]);
    expect(bests.map((b) => [b.target, b.topic])).toEqual([[target, '付款']]);
    const month = bests[0]!.month;

    // A FAQ entry drafted from the same thread.
    await thread.getByTestId('knowledge-faq').click();
    await dialog.waitFor();
    await dialog.getByTestId('knowledge-question').fill('How was the outage fixed?');
    await dialog.getByTestId('knowledge-topic').fill('付款 e2e-faq');
    await dialog.getByTestId('knowledge-submit').click();
    await dialog.waitFor({ state: 'detached' });
    // And a template answer from the thread's text.
    await thread.getByTestId('knowledge-template').click();
    await expect.poll(() => thread.getByTestId('knowledge-done').textContent()).toContain('Template made');

    // Knowledge → Best conversations of that month.
    await page.goto(new URL('/#/knowledge/best', appURL).toString());
    await page.getByTestId('best-month').fill(month);
    await page.locator(`[data-testid="best-item"][data-target="${target}"]`).waitFor();

    // FAQ: edited in the app, then made a template.
    await page.getByTestId('knowledge-tab-faq').click();
    const item = page.getByTestId('faq-item').first();
    await item.waitFor();
    expect(await item.locator('.faq-question').textContent()).toBe('How was the outage fixed?');
    await item.getByTestId('faq-edit').click();
    await page.getByTestId('faq-answer').fill('We renewed the expired certificate and restarted the gateway.');
    await page.getByTestId('faq-tags').fill('付款 e2e-faq');
    await page.getByTestId('faq-save').click();
    await expect.poll(() => item.locator('.faq-answer').textContent()).toBe('We renewed the expired certificate and restarted the gateway.');
    await item.getByTestId('faq-template').click();

    // Templates: found by words, copied with one key.
    await page.getByTestId('knowledge-tab-templates').click();
    const tpl = page.getByTestId('template-item');
    await expect.poll(() => tpl.count()).toBe(2); // the thread's and the FAQ entry's
    await page.getByTestId('templates-search').fill('renewed expired certificate restarted gateway');
    await expect.poll(() => tpl.count()).toBe(1);
    await tpl.first().focus();
    await page.keyboard.press('c');
    await tpl.first().getByTestId('template-copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('We renewed the expired certificate and restarted the gateway.');

    // Archives: the month built and previewed.
    await page.getByTestId('knowledge-tab-archive').click();
    await page.getByTestId('archive-month').fill(month);
    await page.getByTestId('archive-build').click();
    const built = page.getByTestId('archive-built');
    await built.waitFor();
    expect(await built.textContent()).toContain('1 best conversations and 1 FAQ entries');
    const files = await page.getByTestId('archive-files').locator('code').allTextContents();
    expect(files).toEqual([`knowledge-${month}-index.md`, `knowledge-${month}.md`, `knowledge-${month}.html`]);
    const preview = page.getByTestId('archive-preview');
    await preview.locator('article#best-1').waitFor();
    expect(await preview.locator('nav a[href="#topic-1"]').textContent()).toBe('#付款');
    expect(await preview.locator('article#faq-1 h3').textContent()).toContain('How was the outage fixed?');
    expect(await preview.locator('script, iframe, object, embed, [style]').count()).toBe(0);
    if (process.env.RAPPORT_SCREENSHOT_DIR) {
      await page.screenshot({ path: join(process.env.RAPPORT_SCREENSHOT_DIR, 'knowledge-archive.png'), fullPage: false });
    }
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
