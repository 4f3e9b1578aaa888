import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callApp, launchChromium, startDemo, waitSynced, type Demo } from './harness';

// The Guests section on `rapport demo`: the console shows the tenant's
// roster; a change set planned offline, previewed and applied while the
// tenant fails every write (applied, then 503) and throttles, the write
// permissions asked for at that first apply, ends in exactly the
// intended members once the tenant recovers; a review decided and
// exported; an invitation file with row errors, past the cap.

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo('guests');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

type Person = { userId: string; role: string; guest: boolean; actions: string[] };
type Container = { id: string; teamId: string; team: string; channelId?: string; private?: boolean; people: Person[] };
type Roster = { containers: Container[]; accounts: { id: string; name: string; domains: string[] }[] };
type TenantMember = { UserID: string; Roles: string[] | null }; // the control API's (Go's field names)

const members = async (container: string) => JSON.parse((await demo.tenant('GET', `/_control/members?container=${encodeURIComponent(container)}`)).body) as TenantMember[];
const tenantRole = (m: TenantMember) => (m.Roles?.includes('owner') ? 'owner' : m.Roles?.includes('guest') ? 'guest' : 'member');
const consented = async () => JSON.parse((await demo.tenant('GET', '/_control/consent')).body) as string[];

async function syncOnce(page: Page) {
  await page.getByTestId('sync-now').click();
  await expect.poll(async () => (await callApp<{ running: boolean }>(page, 'Sync.Status')).running, { timeout: 60_000, interval: 300 }).toBe(false);
}

describe('guests', () => {
  test('the roster, a change set applied while the tenant fails then recovers, a review exported, an invitation file', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(demo.appURL);
    await waitSynced(page);

    // The console shows every team and private channel with the tenant's
    // members and roles.
    await page.goto(new URL('/#/guests/teams', demo.appURL).toString());
    await page.getByTestId('team-table').first().waitFor();
    const roster = await callApp<Roster>(page, 'Guests.Roster', ['', '', 0]);
    const tables = page.getByTestId('team-table');
    expect(await tables.count()).toBe(roster.containers.length);
    for (const c of roster.containers) {
      const shown = await page
        .locator(`[data-testid="team-table"][data-container="${c.id}"] [data-testid="person-row"]`)
        .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-user')}:${r.getAttribute('data-role')}`).sort());
      const truth = (await members(c.id)).map((m) => `${m.UserID}:${tenantRole(m)}`).sort();
      expect(shown, `${c.team} ${c.channelId ?? ''}`).toEqual(truth);
    }
    // A guest is never offered owner.
    expect(await page.locator('[data-testid="person-row"][data-guest="true"] [data-testid="act-owner"]').count()).toBe(0);

    // Plan: a member made owner, a guest removed, a third change discarded.
    const team = roster.containers.find((c) => !c.channelId && c.people.some((p) => p.role === 'member' && p.actions.includes('owner')) && c.people.filter((p) => p.guest).length >= 2);
    expect(team).toBeTruthy();
    const member = team!.people.find((p) => p.role === 'member' && p.actions.includes('owner'))!;
    const [guest, other] = team!.people.filter((p) => p.guest);
    await page.getByTestId('guests-team-filter').selectOption(team!.teamId);
    const row = (u: string) => page.locator(`[data-testid="team-table"][data-container="${team!.id}"] [data-testid="person-row"][data-user="${u}"]`);
    await row(member.userId).getByTestId('act-owner').click();
    await page.getByTestId('guests-note').waitFor();
    await row(guest!.userId).getByTestId('act-remove').click();
    await expect.poll(() => page.getByTestId('guests-note').textContent()).toContain('Remove from the team');
    await row(other!.userId).getByTestId('act-remove').click();
    await expect.poll(() => page.getByTestId('guests-tab-changes').textContent()).toContain('(3)');

    await page.getByTestId('guests-tab-changes').click();
    await expect.poll(() => page.getByTestId('change-row').count()).toBe(3);
    const preview = await page.getByTestId('change-row').evaluateAll((rows) =>
      rows.map((r) => `${r.getAttribute('data-user')} ${r.querySelector('[data-testid="change-before"]')!.textContent} → ${r.querySelector('[data-testid="change-after"]')!.textContent}`),
    );
    expect(preview).toEqual([`${member.userId} Member → Owner`, `${guest!.userId} Guest → Not a member`, `${other!.userId} Guest → Not a member`]);
    await page.getByTestId('change-discard').nth(2).click();
    await expect.poll(() => page.getByTestId('change-row').count()).toBe(2);

    // Applied while every write is applied then answered 503, and some
    // calls are throttled. The sign-in asked for none of the write
    // permissions: the first apply asks for them.
    expect(await consented()).not.toContain('TeamMember.ReadWrite.All');
    expect((await demo.tenant('POST', '/_control/faults', { spec: '503after=1,429=0.2,seed=7' })).status).toBe(200);
    await page.getByTestId('apply-changes').click();
    await page.locator('[data-testid="consent-code"], [data-testid="consent-granted"]').first().waitFor();
    await expect.poll(consented, { timeout: 30_000 }).toContain('TeamMember.ReadWrite.All');
    const audit = () => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-result')));
    for (let i = 0; i < 6 && (await audit()).some((r) => r !== 'done'); i++) await syncOnce(page);
    expect((await demo.tenant('POST', '/_control/faults', { spec: '' })).status).toBe(200);
    await syncOnce(page);
    await expect.poll(audit, { timeout: 30_000 }).toEqual(['done', 'done']);
    const after = await members(team!.teamId);
    expect(after.filter((m) => m.UserID === member.userId).map(tenantRole)).toEqual(['owner']);
    expect(after.some((m) => m.UserID === guest!.userId)).toBe(false);
    expect(after.filter((m) => m.UserID === other!.userId).map(tenantRole)).toEqual(['guest']);
    expect(new Set(after.map((m) => m.UserID)).size).toBe(after.length);

    // The team's guest settings, shown as last synced, planned from its
    // settings form (the opposite of today's) and applied.
    type Settings = { GuestAllowCreateUpdateChannels: boolean; GuestAllowDeleteChannels: boolean }; // Go's field names
    const settings = async () => JSON.parse((await demo.tenant('GET', `/_control/team-settings?team=${team!.teamId}`)).body) as Settings;
    const start = (await settings()).GuestAllowCreateUpdateChannels;
    await page.getByTestId('guests-tab-teams').click();
    await page.getByTestId('guests-team-filter').selectOption(team!.teamId);
    const form = page.getByTestId('team-settings');
    await form.locator('summary').click();
    expect(await form.getByTestId('setting-now-guestSettings.allowCreateUpdateChannels').textContent()).toBe(start ? '(allowed)' : '(forbidden)');
    await form.getByTestId('setting-guestSettings.allowCreateUpdateChannels').selectOption(start ? 'off' : 'on');
    await form.getByTestId('settings-plan').click();
    await expect.poll(() => page.getByTestId('guests-note').textContent()).toContain(`Guests create and update channels: ${start ? 'forbidden' : 'allowed'}`);
    await page.getByTestId('guests-tab-changes').click();
    await page.getByTestId('apply-changes').click();
    await page.getByTestId('apply-done').waitFor();
    await expect.poll(async () => (await settings()).GuestAllowCreateUpdateChannels, { timeout: 60_000 }).toBe(!start);
    await expect.poll(audit, { timeout: 30_000 }).toEqual(['done', 'done', 'done']);

    // A review: approve by keyboard, deny with a justification that looks
    // like a formula; exported as CSV (escaped) and as an HTML report.
    await page.getByTestId('guests-tab-review').click();
    await page.getByTestId('review-start').click();
    const rows = page.getByTestId('review-row');
    await rows.first().waitFor();
    await rows.nth(0).focus();
    await page.keyboard.press('a');
    await page.keyboard.type('still on the project');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.nth(0).getAttribute('data-decision')).toBe('approve');
    await rows.nth(1).getByTestId('decide-deny').check();
    await rows.nth(1).getByTestId('decide-why').fill('=HYPERLINK("http://evil")');
    await rows.nth(1).getByTestId('decide-save').click();
    await expect.poll(() => rows.nth(1).getAttribute('data-decision')).toBe('deny');
    expect(await page.getByTestId('review-progress').getAttribute('value')).toBe('2');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-csv').click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText).toContain(`'=HYPERLINK(""http://evil"")`);
    expect(csvText).toContain('still on the project');
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByTestId('review-html').click()]);
    const htmlText = readFileSync((await html.path())!, 'utf8');
    expect(htmlText).toMatch(/Content-Security-Policy" content="default-src (&#39;|')none/);
    expect(htmlText).not.toContain('<script');

    // An invitation file: 21 good rows and 3 bad ones; the row errors,
    // then a confirm; over the cap of 20 the apply asks again.
    const domain = roster.accounts.find((a) => a.domains.length > 0)!.domains[0]!;
    const lines = ['email,name,team'];
    for (let i = 0; i < 21; i++) lines.push(`e2e${i}@${domain},E2E ${i},${team!.team}`);
    lines.push(`not-an-address,Bad,${team!.team}`, `e2e0@${domain},Twice,${team!.team}`, `e2e99@${domain},Lost,No such team`);
    await page.getByTestId('guests-tab-invite').click();
    await page.getByTestId('invite-file').setInputFiles({ name: 'invites.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + lines.join('\r\n')) });
    await expect.poll(() => page.getByTestId('invite-text').inputValue()).toContain('e2e20@');
    await page.getByTestId('invite-check').click();
    await page.getByTestId('invite-summary').waitFor();
    const errs = await page.getByTestId('invite-error').evaluateAll((rs) => rs.map((r) => `${r.getAttribute('data-line')}:${r.getAttribute('data-errors')}`));
    expect(errs).toEqual(['23:syntax', '24:duplicate', '25:team']);
    const denied = (await callApp<unknown[]>(page, 'Guests.Changes')).length; // the review's deny: nothing of the file before the confirm
    await page.getByTestId('invite-confirm').click();
    await page.getByTestId('invite-done').waitFor();
    await page.getByTestId('guests-tab-changes').click();
    await expect.poll(() => page.getByTestId('change-row').count()).toBe(denied + 21);
    await page.getByTestId('apply-changes').click();
    await page.getByTestId('apply-confirm').waitFor();
    expect(await page.getByTestId('apply-confirm').textContent()).toContain(`${denied + 21} changes is more than the cap of 20`);
    await page.getByTestId('apply-confirm-yes').click();
    await page.getByTestId('apply-done').waitFor();
    for (let i = 0; i < 4 && (await audit()).some((r) => r !== 'done'); i++) await syncOnce(page);
    await expect.poll(async () => (await audit()).filter((r) => r === 'done').length, { timeout: 30_000 }).toBe(3 + denied + 21);
    await page.screenshot({ path: `${process.env.RAPPORT_SCREENSHOT_DIR ?? '/tmp'}/guests-changes.png` });
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
