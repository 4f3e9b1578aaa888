import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// Issue 19, item 9: at any window size the message column stays readable,
// the side panes fold (with a toggle) and the page never scrolls under them.

let demo: Demo;
let browser: Browser;
let page: Page; // the demo's URL works once: one tab for the file's tests
let linked = ''; // a chat linked to a record

beforeAll(async () => {
  demo = await startDemo('layout');
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

interface Box {
  column: number;
  height: number;
  docOver: number;
  contentOver: number;
}
const measure = () =>
  page.evaluate((): Box => {
    const list = document.querySelector<HTMLElement>('[data-testid="messages"]')!.getBoundingClientRect();
    const content = document.querySelector<HTMLElement>('.content')!;
    const doc = document.scrollingElement!;
    return { column: list.width, height: list.height, docOver: doc.scrollHeight - doc.clientHeight, contentOver: content.scrollHeight - content.clientHeight };
  });

const shots = process.env.RAPPORT_SCREENSHOT_DIR;

describe('any window size', () => {
  test('the demo syncs and has a chat linked to a record', async () => {
    await page.goto(demo.appURL);
    await page.getByTestId('shell').waitFor();
    await waitSynced(page);
    for (const c of await callApp<{ id: string }[]>(page, 'Conversations.Chats')) {
      if ((await callApp<unknown[]>(page, 'Links.ForChat', [c.id])).length > 0) {
        linked = c.id;
        break;
      }
    }
    expect(linked).not.toBe('');
  }, 120_000);

  test.each([
    { width: 1024, height: 700 },
    { width: 1280, height: 720 },
    { width: 1440, height: 900 },
  ])('at $width×$height, a chat with a record card keeps a column of 400 px, and nothing scrolls but the panes', async ({ width, height }) => {
    expect(linked, 'the demo has a chat linked to a record').not.toBe('');
    await page.setViewportSize({ width, height });
    await page.goto(new URL(`/#/conversations/${encodeURIComponent(linked)}`, demo.appURL).toString());
    await expect.poll(() => page.getByTestId('messages').getByTestId('message').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByTestId('linked-toggle').waitFor();
    const narrow = width < 1280;
    // Below 1280 px the sidebar shows icons only, the record cards are one
    // line of chips and the members pane waits behind its toggle.
    expect(await page.locator('.sidebar .nav-label').first().isVisible()).toBe(!narrow);
    expect(await page.getByTestId('record-card').first().isVisible()).toBe(!narrow);
    expect(await page.getByTestId('link-chips').isVisible()).toBe(narrow);
    expect(await page.locator('aside.members').isVisible()).toBe(!narrow);
    if (shots) await page.screenshot({ path: `${shots}/conversations-${width}x${height}.png` });
    const m = await measure();
    expect(m.column).toBeGreaterThanOrEqual(400);
    expect(m.height).toBeGreaterThanOrEqual(250);
    expect(m.docOver).toBeLessThanOrEqual(0);
    expect(m.contentOver).toBeLessThanOrEqual(0);

    // Each pane (the sidebar's section names too) folds and comes back
    // with its toggle; open, the column still has 400 px.
    for (const [toggle, pane] of [
      ['sidebar-toggle', page.locator('.sidebar .nav-label').first()],
      ['members-toggle', page.locator('aside.members')],
      ['linked-toggle', page.getByTestId('record-card').first()],
    ] as const) {
      const shown = await pane.isVisible();
      await page.getByTestId(toggle).click();
      expect(await pane.isVisible()).toBe(!shown);
      expect(await page.getByTestId(toggle).getAttribute('aria-expanded')).toBe(String(!shown));
      const opened = await measure();
      expect(opened.column).toBeGreaterThanOrEqual(400);
      expect(opened.height).toBeGreaterThanOrEqual(200);
      expect(opened.docOver).toBeLessThanOrEqual(0);
      expect(opened.contentOver).toBeLessThanOrEqual(0);
      if (shots && !shown) await page.screenshot({ path: `${shots}/conversations-${width}x${height}-${toggle}-open.png` });
      await page.getByTestId(toggle).click();
      expect(await pane.isVisible()).toBe(shown);
    }
  }, 60_000);

  // Search (a hit open in its context pane), the cases table and a case's
  // page: at each size nothing is cut off sideways and the page itself
  // does not scroll sideways; the panes keep a readable width.
  test.each([
    { width: 1024, height: 700 },
    { width: 1280, height: 720 },
    { width: 1440, height: 900 },
  ])('at $width×$height, search, the cases table and a case page fit the window', async ({ width, height }) => {
    await page.setViewportSize({ width, height });
    const sideways = () =>
      page.evaluate(() => {
        const doc = document.scrollingElement!;
        const content = document.querySelector<HTMLElement>('.content')!;
        return { doc: doc.scrollWidth - doc.clientWidth, content: content.scrollWidth - content.clientWidth };
      });
    const inWindow = (testId: string) =>
      page.getByTestId(testId).first().evaluate((el, w) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, width: r.width, fits: r.left >= 0 && r.right <= w + 1 };
      }, width);

    await page.goto(new URL('/#/search', demo.appURL).toString());
    await page.getByTestId('search-box').fill('付款');
    await page.getByTestId('hit').first().waitFor();
    await page.getByTestId('hit').first().click();
    await page.getByTestId('context-pane').waitFor();
    for (const id of ['search-results', 'context-pane']) {
      const b = await inWindow(id);
      expect(b.fits, `${id} within the window: ${JSON.stringify(b)}`).toBe(true);
      expect(b.width).toBeGreaterThanOrEqual(280);
    }
    expect(await sideways()).toEqual({ doc: 0, content: 0 });
    if (shots) await page.screenshot({ path: `${shots}/search-${width}x${height}.png` });

    await page.goto(new URL('/#/records', demo.appURL).toString());
    await page.getByTestId('records-incidents').click();
    await page.getByTestId('record-row').first().waitFor();
    const table = await inWindow('records-table');
    expect(table.fits, `the cases table within the window: ${JSON.stringify(table)}`).toBe(true);
    expect(await sideways()).toEqual({ doc: 0, content: 0 });
    if (shots) await page.screenshot({ path: `${shots}/records-${width}x${height}.png` });

    await page.getByTestId('record-row').first().getByTestId('record-open').first().click();
    await page.getByTestId('record-details').waitFor();
    const details = await inWindow('record-details');
    expect(details.fits, `the case page within the window: ${JSON.stringify(details)}`).toBe(true);
    expect(await sideways()).toEqual({ doc: 0, content: 0 });
    if (shots) await page.screenshot({ path: `${shots}/case-${width}x${height}.png` });
  }, 60_000);
});
