import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { catalogs, type Locale } from '../src/i18n/messages';
import { sections } from '../src/sections/sections';
import { recordSets } from '../src/api/crm.gen';
import { englishOnScreen, expectNoEnglish, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// Every screen in Chinese and in French: the demo (started in a Chinese
// system locale, then switched to French in Settings) walked section by
// section, tab by tab, with a chat, a channel, a search with its preview,
// an operator naming nobody and a case's page open. No English may show
// outside user data (englishOnScreen), and "Saved" is in the language
// just chosen.

let demo: Demo;
let browser: Browser;
const shots = process.env.RAPPORT_SCREENSHOT_DIR;

beforeAll(async () => {
  demo = await startDemo('i18n', 'zh_CN.UTF-8');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function shot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`) });
}

// walk visits every screen in locale l and returns the English it found,
// screen by screen.
async function walk(page: Page, l: Locale): Promise<string[]> {
  const found: string[] = [];
  const check = async (screen: string) => {
    for (const f of await englishOnScreen(page, l)) found.push(`${screen} — ${f}`);
  };
  const cat = catalogs[l];
  for (const s of sections) {
    await page.getByTestId(`nav-${s.id}`).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(cat[s.label]);
    switch (s.id) {
      case 'conversations': {
        await page.getByTestId('chat').first().click();
        await page.getByTestId('thread-title').waitFor();
        await page.locator('.message').first().waitFor();
        await check('a chat');
        await shot(page, `conversations-${l}`);
        // The Link dialog: suggestions and search results with their card lines.
        await page.getByTestId('link-record').click();
        await page.getByTestId('link-dialog').waitFor();
        await page.getByTestId('record-search').fill('CAS');
        await page.getByTestId('record-result').first().waitFor();
        await check('the Link dialog');
        await page.getByTestId('link-dialog-close').click();
        const team = page.locator('.conv-list details').first();
        if ((await team.count()) > 0) {
          if ((await team.getAttribute('open')) === null) await team.locator('summary').click();
          await team.getByTestId('channel').first().click();
          await page.locator('.message').first().waitFor();
          await check('a channel');
        }
        break;
      }
      case 'search': {
        await check('search, nothing typed');
        await page.getByTestId('search-box').fill(l === 'fr' ? 'paiement' : '付款');
        await page.getByTestId('hit').first().waitFor();
        await page.getByTestId('hit').first().click();
        await page.getByTestId('context-pane').waitFor();
        await check('search with a preview');
        await shot(page, `search-${l}`);
        // Rows grow with their text: nothing clipped, none overlapping.
        const rows = await page.getByTestId('hit').evaluateAll((els) =>
          (els as HTMLElement[]).map((e) => ({ top: e.offsetTop, height: e.offsetHeight, clipped: e.scrollHeight > e.clientHeight + 1 })).sort((a, b) => a.top - b.top),
        );
        expect(rows.filter((r) => r.clipped), 'clipped rows').toEqual([]);
        rows.slice(1).forEach((r, i) => expect(r.top, `row ${i + 1}`).toBeGreaterThanOrEqual(rows[i]!.top + rows[i]!.height - 1));
        // Another query clears the preview.
        await page.getByTestId('search-box').fill(l === 'fr' ? 'livraison' : '发票');
        await expect.poll(() => page.getByTestId('context-pane').locator('[data-testid="message"]').count()).toBe(0);
        await page.getByTestId('search-box').fill('from:xu');
        await page.getByTestId('unmatched').waitFor();
        await check('search, an operator naming nobody');
        await page.getByTestId('search-box').fill('');
        break;
      }
      case 'records': {
        for (const set of recordSets) {
          await page.getByTestId(`records-${set}`).click();
          await page.locator(`[data-testid="records-table"][data-set="${set}"]`).waitFor();
          await check(`records: ${set}`);
        }
        await page.getByTestId('records-incidents').click();
        await page.getByTestId('record-open').first().click();
        await page.getByTestId('record-details').waitFor();
        await page.getByTestId('record-mentions').waitFor();
        await check('a case’s page');
        await shot(page, `record-${l}`);
        break;
      }
      case 'knowledge': {
        for (const tab of ['tags', 'best', 'faq', 'templates', 'archive']) {
          await page.getByTestId(`knowledge-tab-${tab}`).click();
          await expect.poll(() => page.getByTestId(`knowledge-tab-${tab}`).getAttribute('aria-selected')).toBe('true');
          await check(`knowledge: ${tab}`);
        }
        break;
      }
      case 'metrics': {
        await page.getByTestId('metrics').waitFor();
        await check('metrics');
        break;
      }
      default:
        await check(s.id);
    }
  }
  return found;
}

describe('every string translated', () => {
  test('no English on any screen in Chinese, then in French', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(demo.appURL);
    await waitSynced(page);
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const zh = await walk(page, 'zh-CN');

    // Switching to French says "Saved" in French.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('language').selectOption('fr');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await expect.poll(() => page.getByTestId('settings-status').textContent()).toBe(catalogs.fr['settings.saved']);
    const fr = await walk(page, 'fr');
    expect({ zh, fr }, 'English on Chinese and French screens').toEqual({ zh: [], fr: [] });

    // Sign out is in Settings; the top bar offers to sign in again.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signed-out').waitFor();
    await page.getByTestId('sign-in-browser').waitFor();
    await expectNoEnglish(page, 'fr', 'Settings, signed out');

    // The check sees English when there is some, and not in user data.
    await page.evaluate((words) => {
      const ui = document.createElement('p');
      ui.textContent = words;
      const user = document.createElement('p');
      user.dataset.userContent = '';
      user.textContent = words;
      document.querySelector('main')!.append(ui, user);
    }, catalogs.en['sync.now']);
    expect(await englishOnScreen(page, 'fr')).toEqual([`div > div[shell] > main.content > p: "${catalogs.en['sync.now']}" (Sync, now)`]);
    await page.close();
  });
});
