import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// A case number in a message is a link to the case's page, which lists
// the messages that mention it.

let demo: Demo;
let browser: Browser;

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
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
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
    await page.close();
  });
});
