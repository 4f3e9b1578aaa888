import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, serveArgs, serveURL, spawnRapport, startTenantsim, stopProcess, type Tenantsim } from './harness';

// A case made from a channel thread while Dynamics fails, then a task and
// a note on it, reach Dynamics once each when it is back: the case with
// the number Dynamics gave it, its task and note on its timeline.

const procs: ChildProcess[] = [];
let dir: string;
let browser: Browser;
let sim: Tenantsim;

const start = (args: string[], match: RegExp) => spawnRapport(args, match, procs);

const tenant = (method: string, path: string, body?: unknown) => sim.call(method, path, body);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rapport-capture-'));
  sim = await startTenantsim(7, dir, procs);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const p of [...procs]) await stopProcess(p, procs);
  rmSync(dir, { recursive: true, force: true });
});

test('create a case from a thread while the tenant fails, add a task and a note; when it is back they land once, the case with its number', async () => {
  expect((await tenant('POST', '/_control/device', { flow: 'pending' })).status).toBe(204);
  const app = await start(serveArgs(sim, join(dir, 'data')), serveURL);
  const page = await browser.newPage();
  await page.goto(app.m[1]!);
  await page.getByTestId('sign-in-code').click();
  const code = await page.getByTestId('device-code').locator('code').textContent();
  expect((await tenant('GET', `/devicelogin?code=${code}`)).status).toBe(200);
  await expect.poll(async () => (await page.getByTestId('channel').count()) > 0, { timeout: 60_000, interval: 500 }).toBe(true);
  const accounts = JSON.parse((await tenant('GET', '/_control/rows?set=accounts')).body) as { accountid: string; name: string }[];
  const before = (JSON.parse((await tenant('GET', '/_control/rows?set=incidents')).body) as unknown[]).length;

  // Dynamics (and Graph) unreachable from now on.
  expect((await tenant('POST', '/_control/faults', { spec: 'reset=1' })).status).toBe(200);
  const team = page.locator('nav.conv-list details').first();
  if ((await team.getAttribute('open')) === null) await team.locator('summary').click();
  await team.getByTestId('channel').first().click();
  const thread = page.locator('[data-testid="post-links"][data-target^="thread/"]').first();
  await thread.waitFor();
  await thread.getByTestId('capture-menu').click();
  await thread.getByTestId('capture-case').click();
  const dialog = page.getByTestId('capture-dialog');
  await dialog.waitFor();
  // Dynamics requires a title and a customer: nothing is queued without.
  await page.getByTestId('capture-title').fill('Printer offline at HQ (from Teams)');
  expect(await page.getByTestId('capture-submit').isDisabled()).toBe(true);
  await page.getByTestId('capture-customer').fill(`accounts:${accounts[0]!.accountid}`);
  await page.getByTestId('capture-priority').selectOption('high');
  await page.getByTestId('capture-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await thread.getByTestId('capture-queued').waitFor();
  // The thread is linked to the new case at once (in Rapport), and the
  // task and the note start from it.
  await thread.getByTestId('post-link').waitFor();
  await thread.getByTestId('capture-task').click();
  expect(await page.getByTestId('capture-record').inputValue()).toMatch(/^incidents:/);
  await page.getByTestId('capture-title').fill('Call the customer back');
  await page.getByTestId('capture-due').fill('2026-12-10');
  await page.getByTestId('capture-submit').click();
  await dialog.waitFor({ state: 'detached' });
  await thread.getByTestId('capture-note').click();
  await page.getByTestId('capture-title').fill('The thread, as the customer wrote it');
  await page.getByTestId('capture-file').check();
  await page.getByTestId('capture-submit').click();
  await dialog.waitFor({ state: 'detached' });

  // Dynamics is back: a sync pushes all three, then reads the case back.
  expect((await tenant('POST', '/_control/faults', { spec: '' })).status).toBe(200);
  await page.getByTestId('nav-records').click();
  await page.getByTestId('records-incidents').click();
  const row = page.locator('[data-testid="record-row"]', { hasText: 'Printer offline at HQ (from Teams)' });
  await expect
    .poll(
      async () => {
        if (await page.getByTestId('sync-now').isEnabled()) await page.getByTestId('sync-now').click();
        return row.count();
      },
      { timeout: 90_000, interval: 2000 },
    )
    .toBe(1);
  expect(await row.textContent()).toMatch(/CAS-\d{5}-[0-9A-Z]{6}/);
  await row.getByTestId('record-open').click();
  const acts = page.locator('[data-testid="record-activities"] [data-testid="activity"]');
  await expect.poll(async () => (await acts.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-state')}`).sort())).join(' '),
    { timeout: 60_000, interval: 1000 }).toBe('note:saved task:open');

  const incidents = JSON.parse((await tenant('GET', '/_control/rows?set=incidents')).body) as { title: string }[];
  expect(incidents.length).toBe(before + 1);
  expect(incidents.filter((r) => r.title === 'Printer offline at HQ (from Teams)')).toHaveLength(1);
  const tasks = JSON.parse((await tenant('GET', '/_control/rows?set=tasks')).body) as { subject: string }[];
  expect(tasks.filter((r) => r.subject === 'Call the customer back')).toHaveLength(1);
  const notes = JSON.parse((await tenant('GET', '/_control/rows?set=annotations')).body) as { subject: string; isdocument: boolean }[];
  expect(notes.filter((r) => r.subject === 'The thread, as the customer wrote it' && r.isdocument)).toHaveLength(1);
  await page.close();
});
