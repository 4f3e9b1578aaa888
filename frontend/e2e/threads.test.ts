import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// Issue 19, item 2: threads as Teams shows them. A channel root with its
// replies folded ("N replies"), opened and indented; actions over a
// message on hover or focus, not under every message; Open in Teams on
// every message; the user's own messages marked; reactions that say who.

let demo: Demo;
let browser: Browser;
let page: Page; // the demo's URL works once: one tab for the file's tests

interface Msg { id: string; replyTo?: string; from: string; teamsUrl?: string; mine?: boolean; reactions?: Record<string, number>; reactedBy?: Record<string, string[]> }
interface Team { channels: { id: string }[] }

beforeAll(async () => {
  demo = await startDemo('threads');
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const shots = process.env.RAPPORT_SCREENSHOT_DIR;
const opacity = (el: import('playwright-core').Locator) => el.evaluate((e) => getComputedStyle(e).opacity);

describe('threads', () => {
  test('a channel root folds its replies; "N replies" opens them, indented under it', async () => {
    await page.goto(demo.appURL);
    await page.getByTestId('shell').waitFor();
    await waitSynced(page);
    // A channel whose newest page holds a root with replies.
    let conv = '';
    let root = '';
    let replies: Msg[] = [];
    for (const tm of await callApp<Team[]>(page, 'Conversations.Teams')) {
      for (const ch of tm.channels) {
        const p = await callApp<{ messages: Msg[] }>(page, 'Conversations.Messages', [ch.id, '', 100]);
        const ids = new Set(p.messages.map((m) => m.id));
        const r = p.messages.find((m) => !m.replyTo && p.messages.filter((x) => x.replyTo === m.id).length >= 2 && ids.has(m.id));
        if (r) {
          conv = ch.id;
          root = r.id;
          replies = p.messages.filter((x) => x.replyTo === r.id);
          break;
        }
      }
      if (conv) break;
    }
    expect(conv, 'the demo has a channel thread with replies').not.toBe('');

    await page.goto(new URL(`/#/conversations/${encodeURIComponent(conv)}`, demo.appURL).toString());
    const group = page.getByTestId('thread-group').filter({ has: page.locator(`[data-testid="message"][data-id="${root}"]`) });
    await group.waitFor();
    const fold = group.getByTestId('replies-toggle');
    expect(await fold.getAttribute('aria-expanded')).toBe('false');
    expect(await fold.textContent()).toContain(`${replies.length} replies`);
    expect(await fold.textContent()).toContain(replies[replies.length - 1]!.from);
    expect(await group.getByTestId('message').count()).toBe(1); // the root alone
    await fold.click();
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => group.getByTestId('replies').getByTestId('message').count()).toBe(replies.length);
    const rootBox = (await group.locator(`[data-id="${root}"]`).boundingBox())!;
    const replyBox = (await group.getByTestId('replies').getByTestId('message').first().boundingBox())!;
    expect(replyBox.x).toBeGreaterThan(rootBox.x + 20); // indented
    await group.getByTestId('replies').getByTestId('message').first().hover();
    if (shots) await page.screenshot({ path: `${shots}/thread-unfolded.png` });
    await fold.click();
    await expect.poll(() => group.getByTestId('message').count()).toBe(1);

    // Open in Teams: a channel message opens at the webUrl Graph sent.
    const links = await callApp<{ messages: Msg[] }>(page, 'Conversations.Messages', [conv, '', 100]);
    const url = links.messages.find((m) => m.id === root)!.teamsUrl!;
    expect(url).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/message\/.+groupId=.+tenantId=.+parentMessageId=/);
    expect(await group.locator(`[data-id="${root}"]`).getByTestId('open-in-teams').getAttribute('href')).toBe(url);
  }, 120_000);

  test('actions show over a message on hover or keyboard focus, not under every message', async () => {
    const chats = await callApp<{ id: string }[]>(page, 'Conversations.Chats');
    const chat = chats[0]!.id;
    await page.goto(new URL(`/#/conversations/${encodeURIComponent(chat)}`, demo.appURL).toString());
    const msg = page.getByTestId('messages').getByTestId('message').last();
    await msg.waitFor();
    await page.mouse.move(5, 5); // nowhere near a message
    const bar = msg.getByTestId('message-actions');
    await expect.poll(() => opacity(bar)).toBe('0');
    await msg.hover();
    await expect.poll(() => opacity(bar)).toBe('1');
    if (shots) await page.screenshot({ path: `${shots}/message-actions-hover.png` });
    await page.mouse.move(5, 5);
    await expect.poll(() => opacity(bar)).toBe('0');
    // With the keyboard: focusing an action shows them all.
    await bar.getByTestId('open-in-teams').focus();
    await expect.poll(() => opacity(bar)).toBe('1');
    await bar.getByTestId('link-post').focus();
    await expect.poll(() => opacity(bar)).toBe('1');
    // Open in Teams on a chat message: Teams' deep link into the chat (Graph
    // sends no webUrl for chat messages).
    const id = (await msg.getAttribute('data-id'))!;
    const href = await bar.getByTestId('open-in-teams').getAttribute('href');
    expect(href).toBe(`https://teams.microsoft.com/l/message/${chat}/${id}?context=%7B%22contextType%22%3A%22chat%22%7D`);
    // Every message has one.
    const n = await page.getByTestId('messages').locator('[data-testid="message"]:not(.system)').count();
    expect(await page.getByTestId('messages').getByTestId('open-in-teams').count()).toBe(n);
    // Nothing of the actions takes a line under the message: a message's
    // height does not change when its actions show.
    await page.mouse.move(5, 5);
    const h0 = (await msg.boundingBox())!.height;
    await msg.hover();
    expect((await msg.boundingBox())!.height).toBe(h0);
  }, 60_000);

  test('the user’s own messages are marked and reactions say who', async () => {
    const chats = await callApp<{ id: string }[]>(page, 'Conversations.Chats');
    let chat = '';
    let reacted: Msg | undefined;
    for (const c of chats) {
      const p = await callApp<{ messages: Msg[] }>(page, 'Conversations.Messages', [c.id, '', 100]);
      const r = p.messages.find((m) => m.reactedBy && Object.keys(m.reactedBy).length > 0);
      if (p.messages.some((m) => m.mine) && r) {
        chat = c.id;
        reacted = r;
        break;
      }
    }
    expect(chat, 'a chat with the user’s messages and a named reaction').not.toBe('');
    await page.goto(new URL(`/#/conversations/${encodeURIComponent(chat)}`, demo.appURL).toString());
    await page.getByTestId('messages').getByTestId('message').first().waitFor();
    expect(await page.locator('[data-testid="message"][data-mine="true"]').count()).toBeGreaterThan(0);
    const mine = page.locator('[data-testid="message"][data-mine="true"]').first();
    const theirs = page.locator('[data-testid="message"]:not([data-mine]):not(.system)').first();
    const bg = (l: import('playwright-core').Locator) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await bg(mine)).not.toBe(await bg(theirs));
    const [kind, names] = Object.entries(reacted!.reactedBy!)[0]!;
    const reaction = page.locator(`[data-testid="message"][data-id="${reacted!.id}"] [data-testid="reaction"]`).first();
    await reaction.scrollIntoViewIfNeeded();
    expect(kind).not.toBe('');
    expect(await reaction.getAttribute('aria-label')).toContain(names[0]!);
    if (shots) await page.screenshot({ path: `${shots}/own-and-reactions.png` });
  }, 60_000);
});
