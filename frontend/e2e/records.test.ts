import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// A case number in a message is a link to the case's page, which lists
// the messages that mention it.

let demo: Demo;
let browser: Browser;
let page: Page; // the demo's URL works once: one tab for the file's tests

beforeAll(async () => {
  demo = await startDemo('records');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('records', () => {
  test('a case number in a message opens the case’s page', async () => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.appURL);
    await waitSynced(page);
    // A message that mentions a case the store holds.
    const cases = await callApp<{ set: string; fields: { field: string; value: string }[] }[]>(page, 'Links.Find', ['CAS-']);
    expect(cases.length).toBeGreaterThan(0);
    let hit: { conv: { id: string }; message: { id: string } } | undefined;
    let number = '';
    for (const c of cases) {
      if (c.set !== 'incidents') continue;
      number = c.fields.find((f) => f.field === 'ticketnumber')?.value ?? '';
      if (!number) continue;
      const r = await callApp<{ hits: { kind: string; conv?: { id: string }; message?: { id: string } }[] }>(page, 'Search.Query', [
        { q: `"${number}"`, sort: 'relevance', offset: 0, size: 5, facets: false },
      ]);
      const m = r.hits.find((h) => h.kind === 'message' && h.conv && h.message);
      if (m) {
        hit = m as typeof hit;
        break;
      }
    }
    expect(hit, 'a message mentioning a case').toBeDefined();
    await page.goto(new URL(`/#/conversations/${encodeURIComponent(hit!.conv.id)}/${encodeURIComponent(hit!.message.id)}`, demo.appURL).toString());
    const ref = page.locator(`a.record-ref`, { hasText: number }).first();
    await ref.waitFor();
    expect(await ref.getAttribute('href')).toBe(`#/records/incidents/${number}`);
    await ref.click();
    const details = page.getByTestId('record-details');
    await details.waitFor();
    expect(await details.textContent()).toContain(number);
    await page.getByTestId('record-mention').first().waitFor();
  });

  // Issue 19, item 5: a table sorts by any column, filters, and counts.
  test('a records table sorts by any column (aria-sort), filters, and shows a count', async () => {
    await page.goto(new URL('/#/records', demo.appURL).toString());
    await page.getByTestId('records-incidents').click();
    const table = page.locator('[data-testid="records-table"][data-set="incidents"]');
    await table.waitFor();
    const rows = table.getByTestId('record-row');
    const total = (await callApp<unknown[]>(page, 'Records.List', ['incidents'])).length;
    expect(total).toBeGreaterThan(3);
    await expect.poll(() => rows.count()).toBe(total);
    const count = page.getByTestId('records-count');
    expect(await count.textContent()).toBe(`${total} records`);
    const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
    const column = (field: string) => table.locator(`td[data-field="${field}"]`).allTextContents();
    // Every column sorts, ascending then descending, and says so.
    for (const th of await table.getByTestId('records-column').all()) {
      const field = (await th.getAttribute('data-field'))!;
      await th.getByTestId('records-sort').click();
      expect(await th.getAttribute('aria-sort')).toBe('ascending');
      const up = (await column(field)).filter(Boolean);
      await th.getByTestId('records-sort').click();
      expect(await th.getAttribute('aria-sort')).toBe('descending');
      const down = (await column(field)).filter(Boolean);
      expect(down, field).toEqual([...up].reverse());
      expect(await table.locator('th[aria-sort]').count()).toBe(1);
      if (field === 'ticketnumber') expect(up).toEqual([...up].sort(collator.compare));
    }
    // The filter keeps the rows holding its words; the count says so.
    const number = (await column('ticketnumber'))[0]!;
    await page.getByTestId('records-filter').fill(number.toLowerCase());
    await expect.poll(() => rows.count()).toBe(1);
    expect(await count.textContent()).toBe(`1 of ${total} records`);
    expect(await rows.first().textContent()).toContain(number);
    const shots = process.env.RAPPORT_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: `${shots}/records-filtered.png` });
    await page.getByTestId('records-filter').fill('');
    await expect.poll(() => rows.count()).toBe(total);
  }, 60_000);

  // Issue 19 item 11: an amount shows in the user's locale with its
  // record's currency (each customer's deals are in its country's), in
  // the table and on the opportunity's page.
  test('amounts carry their currency, in Chinese and in French', async () => {
    const currencies = await callApp<{ id: string; fields: Record<string, unknown> }[]>(page, 'Records.List', ['transactioncurrencies']);
    const iso = new Map(currencies.map((c) => [c.id.toLowerCase(), String(c.fields.isocurrencycode)]));
    const opps = await callApp<{ id: string; fields: Record<string, unknown> }[]>(page, 'Records.List', ['opportunities']);
    expect(opps.length).toBeGreaterThan(1);
    const codes = new Set(opps.map((o) => iso.get(String(o.fields._transactioncurrencyid_value).toLowerCase())));
    expect([...codes].every((c) => c && /^[A-Z]{3}$/.test(c)), `currencies ${[...codes].join()}`).toBe(true);
    expect(codes.size).toBeGreaterThan(1);
    const want = (lang: string, o: { fields: Record<string, unknown> }) =>
      new Intl.NumberFormat(lang, { style: 'currency', currency: iso.get(String(o.fields._transactioncurrencyid_value).toLowerCase())! }).format(Number(o.fields.estimatedvalue));
    for (const lang of ['zh-CN', 'fr']) {
      await callApp(page, 'Settings.Set', [{ language: lang, theme: 'system' }]);
      await page.goto(new URL(`/#/records/opportunities/${encodeURIComponent(opps[0]!.id)}`, demo.appURL).toString());
      await page.reload();
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
      const table = page.locator('[data-testid="records-table"][data-set="opportunities"]');
      await table.waitFor();
      await expect.poll(() => table.locator('td[data-field="estimatedvalue"]').allTextContents()).toEqual(
        expect.arrayContaining(opps.map((o) => want(lang, o))),
      );
      const amount = page.locator('[data-testid="record-details"] [data-field="estimatedvalue"] dd');
      await expect.poll(() => amount.textContent()).toBe(want(lang, opps[0]!));
      const shots = process.env.RAPPORT_SCREENSHOT_DIR;
      if (shots) await page.screenshot({ path: `${shots}/opportunity-${lang}.png` });
    }
    await callApp(page, 'Settings.Set', [{ language: 'auto', theme: 'system' }]);
  }, 60_000);
});
