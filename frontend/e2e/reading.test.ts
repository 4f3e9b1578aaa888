import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// Reading while a sync runs (issue 19, item 1): a background sync must not
// move the reader, drop the pages they loaded or close their dialog.

let demo: Demo;
let browser: Browser;
let page: Page; // the demo's URL works once: one tab for the file's tests

beforeAll(async () => {
  demo = await startDemo('reading');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await demo?.stop();
});

const shots = process.env.RAPPORT_SCREENSHOT_DIR;
async function shot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
}

interface Pane {
  top: number;
  height: number;
  client: number;
  count: number;
}
const pane = (page: Page) =>
  page.getByTestId('messages').evaluate((el): Pane => ({
    top: el.scrollTop,
    height: el.scrollHeight,
    client: el.clientHeight,
    count: el.querySelectorAll('[data-testid="message"]').length,
  }));

test('a chat opens at its newest message; a sync keeps older pages, the scroll position and an open dialog, and says new messages are below', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  page = await ctx.newPage();
  await page.goto(demo.appURL);
  await page.getByTestId('shell').waitFor();
  await waitSynced(page);

  // A chat with more than one page of messages.
  const chats = await callApp<{ id: string; name: string }[]>(page, 'Conversations.Chats');
  let chat: { id: string; name: string } | undefined;
  for (const c of chats) {
    const p = await callApp<{ before: string }>(page, 'Conversations.Messages', [c.id, '', 100]);
    if (p.before) {
      chat = c;
      break;
    }
  }
  expect(chat, 'the demo has a chat longer than a page').toBeDefined();
  const members = await callApp<{ userId: string }[]>(page, 'Conversations.Members', [chat!.id]);

  await page.getByTestId('nav-conversations').click();
  await page.getByTestId('chat').filter({ hasText: chat!.name }).first().click();
  await expect.poll(() => page.getByTestId('thread-title').textContent()).toBe(chat!.name);
  // Opens at the newest message, and stays there as the content settles.
  await expect.poll(async () => {
    const p = await pane(page);
    return p.count > 0 && p.height - p.top - p.client < 30;
  }, { timeout: 15_000 }).toBe(true);

  await page.getByRole('button', { name: 'Load older messages' }).click();
  await expect.poll(async () => (await pane(page)).count, { timeout: 15_000 }).toBeGreaterThan(100);
  // Read somewhere in the middle, and open a message's Link dialog there.
  await page.getByTestId('messages').evaluate((el) => (el.scrollTop = Math.floor(el.scrollHeight / 3)));
  const before = await pane(page);
  const opener = page.getByTestId('link-post').nth(Math.floor(before.count / 3));
  await opener.scrollIntoViewIfNeeded();
  await opener.click();
  await page.getByRole('dialog').waitFor();
  // Where the reader is when the sync comes (clicking may have scrolled
  // the opener fully into view).
  const reading = await pane(page);
  await shot(page, 'reading-dialog-before-sync');

  // Someone in the chat writes; a sync brings it in.
  const posted = await demo.tenant('POST', '/_control/messages', { conv: chat!.id, user: members.find((m) => m.userId)?.userId ?? '', html: '<p>arrived during reading</p>' });
  expect(posted.status).toBeLessThan(300);
  await callApp(page, 'Sync.Start', [false]);
  await waitSynced(page);
  await page.getByTestId('new-below').waitFor({ timeout: 30_000 });

  const after = await pane(page);
  expect(after.count).toBe(reading.count + 1); // older pages kept, the new one added
  expect(Math.abs(after.top - reading.top)).toBeLessThan(4); // the reader did not move
  expect(await page.getByRole('dialog').isVisible()).toBe(true); // the dialog survived
  await shot(page, 'reading-after-sync');

  await page.keyboard.press('Escape');
  await page.getByTestId('new-below').click();
  await expect.poll(async () => {
    const p = await pane(page);
    return p.height - p.top - p.client < 30;
  }).toBe(true);
  expect(await page.getByTestId('messages').textContent()).toContain('arrived during reading');
  expect(await page.getByTestId('new-below').count()).toBe(0);
}, 180_000);

test('keyboard: one Tab stop for the list, arrows and j/k move, Enter opens and moves into the messages, PageUp scrolls them', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('nav-search').click();
  await page.getByTestId('nav-conversations').click();
  await page.getByTestId('chat').first().waitFor();
  const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.nav ?? document.activeElement?.getAttribute('data-testid') ?? '');
  // Only one entry of the list is in the Tab order.
  const stops = await page.locator('.conv-list [data-nav]').evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex === 0).length);
  expect(stops).toBe(1);
  const chats = await page.getByTestId('chat').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.nav!));
  await page.getByTestId('chat').first().focus();
  await page.keyboard.press('ArrowDown');
  expect(await focused()).toBe(chats[1]);
  await page.keyboard.press('j');
  expect(await focused()).toBe(chats[2]);
  await page.keyboard.press('k');
  expect(await focused()).toBe(chats[1]);
  await page.keyboard.press('Enter');
  await expect.poll(focused).toBe('messages');
  expect(await page.getByTestId('chat').nth(1).getAttribute('class')).toContain('selected');
  await expect.poll(() => pane(page).then((p) => p.count), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => pane(page).then((p) => p.height - p.top - p.client < 30)).toBe(true);
  const p0 = await pane(page);
  if (p0.height > p0.client) {
    await page.keyboard.press('PageUp');
    await expect.poll(() => pane(page).then((p) => p.top)).toBeLessThan(p0.top);
  }
}, 120_000);
