import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// A month's archive built and published to a channel's Files while the
// tenant fails every write (applied, then answered 503): when it is back,
// each file is there once.

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo('archive');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('archive', () => {
  test('build, preview and publish a month’s archive while the tenant fails; each file lands once', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(demo.appURL);
    await waitSynced(page);
    // Two channel posts about payments marked best.
    type Hit = { kind: string; conv?: { id: string; kind: string }; message?: { id: string; created: string } };
    const r = await callApp<{ hits: Hit[] }>(page, 'Search.Query', [{ q: 'payment', sort: 'relevance', offset: 0, size: 50, facets: false }]);
    const posts = r.hits.filter((h) => h.kind === 'message' && h.conv?.kind === 'channel');
    expect(posts.length).toBeGreaterThan(1);
    const month = posts[0]!.message!.created.slice(0, 7);
    for (const h of posts.filter((p) => p.message!.created.startsWith(month)).slice(0, 2)) {
      await callApp(page, 'Knowledge.MarkBest', [{ target: `message/${h.conv!.id}/${h.message!.id}`, topic: 'payment', reason: 'a clear answer' }]);
    }
    const channels = await callApp<{ team: string; channel: string }[]>(page, 'Knowledge.Channels');
    const target = channels[0]!;
    expect((await demo.tenant('POST', `/_control/files-tab?channel=${encodeURIComponent(target.channel)}`)).status).toBe(200);

    await page.goto(new URL('/#/knowledge/archive', demo.appURL).toString());
    await page.getByTestId('archive-month').fill(month);
    await page.getByTestId('archive-build').click();
    await page.getByTestId('archive-preview').waitFor();
    const names = await page.getByTestId('archive-files').locator('li').allTextContents();
    expect(names.length).toBe(3);

    // Every write is applied, then answered 503; some calls throttled.
    expect((await demo.tenant('POST', '/_control/faults', { spec: '503after=1,429=0.2,seed=9' })).status).toBe(200);
    await page.getByTestId('archive-channel').selectOption(`${target.team}/${target.channel}`);
    await page.getByTestId('archive-publish-go').click();
    await page.getByTestId('archive-queued').waitFor();
    await page.getByTestId('archive-publish-go').click(); // asked twice: the same uploads
    type File = { Name: string; Version: number }; // the control API's (Go's field names)
    const files = async () => JSON.parse((await demo.tenant('GET', `/_control/files?channel=${encodeURIComponent(target.channel)}`)).body) as File[];
    for (let i = 0; i < 6 && (await files()).length < 3; i++) {
      await page.getByTestId('sync-now').click();
      await expect.poll(async () => (await callApp<{ running: boolean }>(page, 'Sync.Status')).running, { timeout: 60_000, interval: 300 }).toBe(false);
    }
    expect((await demo.tenant('POST', '/_control/faults', { spec: '' })).status).toBe(200);
    // Once more with the tenant healthy: nothing is uploaded again.
    await page.getByTestId('sync-now').click();
    await expect.poll(async () => (await callApp<{ running: boolean }>(page, 'Sync.Status')).running, { timeout: 60_000, interval: 300 }).toBe(false);
    const got = await files();
    expect(got.map((f) => f.Name).sort()).toEqual(names.map((n) => n.split(/\s/)[0]!).sort());
    expect(got.every((f) => f.Version === 1)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
