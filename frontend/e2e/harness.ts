import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { catalogs, type Locale } from '../src/i18n/messages';

export interface Server {
  url: string; // with the launch secret
  origin: string; // http://127.0.0.1:PORT
  port: number;
  stop(): Promise<void>;
}

// startServer runs `rapport serve` on a fresh data dir and waits for the URL.
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const bin = process.env.RAPPORT_BIN;
  if (!bin) throw new Error('RAPPORT_BIN must name the built rapport binary (make build)');
  const dataDir = mkdtempSync(join(tmpdir(), 'rapport-e2e-'));
  const child: ChildProcess = spawn(bin, ['serve', '--data-dir', dataDir, '--addr', '127.0.0.1:0'], {
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL from rapport serve; stderr:\n${stderr}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`rapport serve exited ${code}; stderr:\n${stderr}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// spawnRapport runs the rapport binary with args and waits until its
// stdout matches match; the process is added to procs for the caller to
// stop.
// env, when given, replaces the inherited environment (LANG aside).
export function spawnRapport(args: string[], match: RegExp, procs: ChildProcess[], env?: NodeJS.ProcessEnv): Promise<{ m: RegExpExecArray; p: ChildProcess }> {
  const bin = process.env.RAPPORT_BIN;
  if (!bin) throw new Error('RAPPORT_BIN must name the built rapport binary');
  const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...(env ?? process.env), LANG: 'en_US.UTF-8', LC_ALL: '' } });
  procs.push(p);
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${match} from rapport ${args[0]}; stderr:\n${err}`)), 20_000);
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = match.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ m, p });
      }
    });
  });
}

// Keys hands out one-time URLs for a browser-mode launch. The printed
// URL's key works once, so it is traded here (as a page would) for the
// session token, which then asks Rapport for a fresh URL per page to open.
export class Keys {
  private token: Promise<string> | null = null;
  constructor(private readonly printed: string) {}

  get origin(): string {
    return new URL(this.printed).origin;
  }

  session(): Promise<string> {
    this.token ??= (async () => {
      const key = new URL(this.printed).searchParams.get('k');
      const r = await fetch(`${this.origin}/api/session`, { method: 'POST', body: JSON.stringify({ key }) });
      if (!r.ok) throw new Error(`bootstrap: HTTP ${r.status}`);
      return ((await r.json()) as { token: string }).token;
    })();
    return this.token;
  }

  async url(): Promise<string> {
    const r = await fetch(`${this.origin}/api/session/key`, { method: 'POST', headers: { 'X-Rapport-Session': await this.session() } });
    if (!r.ok) throw new Error(`new key: HTTP ${r.status}`);
    return ((await r.json()) as { url: string }).url;
  }
}

// tenantControl calls the simulated tenant's control API (and its sign-in
// pages) at base with the run's control token; the answer's status and
// body.
export function tenantControl(base: () => string, token: () => string) {
  return (method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(`${base()}${path}`, { method, rejectUnauthorized: false, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` } }, (res) => {
        let b = '';
        res.on('data', (d: Buffer) => (b += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

// Tenantsim is a simulated tenant started by `rapport tenantsim --json`:
// its addresses, its CA file, its control token and a client of its
// control API.
export interface Tenantsim {
  urls: { authorityUrl: string; graphUrl: string; dataverseUrl: string; tenant: string; clientId: string };
  caFile: string;
  control: string;
  call: ReturnType<typeof tenantControl>;
}

// startTenantsim runs a small simulated tenant with seed, its CA in dir.
export async function startTenantsim(seed: number, dir: string, procs: ChildProcess[]): Promise<Tenantsim> {
  const { m } = await spawnRapport(['tenantsim', '--size', 'small', '--seed', String(seed), '--json', '--ca-dir', dir], /(\{.*\})\n/, procs);
  const parsed = JSON.parse(m[1]!) as { summary: { urls: Tenantsim['urls'] }; caFile: string; controlToken: string };
  const { summary: { urls }, caFile, controlToken: control } = parsed;
  return { urls, caFile, control, call: tenantControl(() => urls.authorityUrl, () => control) };
}

// serveArgs are `rapport serve`'s arguments for a store in dataDir on t.
export function serveArgs(t: Tenantsim, dataDir: string): string[] {
  return ['serve', '--data-dir', dataDir, '--authority-url', t.urls.authorityUrl, '--graph-url', t.urls.graphUrl,
    '--dataverse-url', t.urls.dataverseUrl, '--tenant', t.urls.tenant, '--client-id', t.urls.clientId, '--ca-file', t.caFile,
    '--token-cache', 'file'];
}

// serveURL matches the browser-mode URL `rapport serve` prints.
export const serveURL = /(http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)/;

// stopProcess ends p (SIGTERM), waits for it and drops it from procs.
export async function stopProcess(p: ChildProcess, procs: ChildProcess[]): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
  procs.splice(procs.indexOf(p), 1);
}

export interface Demo {
  appURL: string; // the printed one-time URL
  dataDir: string;
  // tenant calls the in-process simulated tenant's control API.
  tenant(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

// startDemo runs `rapport demo --browser` on the small simulated tenant in
// a fresh data dir (LANG as given) and waits for its URL.
export async function startDemo(name: string, lang = 'en_US.UTF-8'): Promise<Demo> {
  const bin = process.env.RAPPORT_BIN;
  if (!bin) throw new Error('RAPPORT_BIN must name the built rapport binary');
  const dataDir = mkdtempSync(join(tmpdir(), `rapport-${name}-e2e-`));
  const child = spawn(bin, ['demo', '--browser', '--size', 'small', '--data-dir', dataDir], {
    env: { ...process.env, LANG: lang, LC_ALL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let tenantURL = '';
  let token = '';
  const appURL = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start; stderr:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const app = serveURL.exec(out);
      const tenant = /simulated tenant (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const bearer = /Authorization: Bearer ([0-9a-f]+)/.exec(out);
      if (app && tenant && bearer) {
        tenantURL = tenant[1]!;
        token = bearer[1]!;
        clearTimeout(timer);
        resolve(app[1]!);
      }
    });
  });
  return {
    appURL,
    dataDir,
    tenant: tenantControl(
      () => tenantURL,
      () => token,
    ),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// callApp makes the UI's own request to Go from a signed-in page (with
// the tab's session).
export function callApp<T>(page: Page, method: string, args: unknown[] = []): Promise<T> {
  return page.evaluate(
    async ([m, a]) => {
      const r = await fetch(`/api/call/${m}`, { method: 'POST', body: JSON.stringify(a), headers: { 'X-Rapport-Session': sessionStorage.getItem('rapport.session') ?? '' } });
      if (!r.ok) throw new Error(`${m}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    [method, args] as const,
  ) as Promise<T>;
}

// waitSynced waits until the demo's first sync is done.
export async function waitSynced(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const s = await callApp<{ running: boolean; last?: unknown; store: { messages: number } }>(page, 'Sync.Status');
        return !s.running && s.last !== undefined && s.store.messages > 0 ? 'synced' : 'waiting';
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe('synced');
}

// latinWords are the words of s written in unaccented Latin letters, 3
// or more (accented words are not English; "Numéro" is not "ro").
const latinWords = (s: string) => (s.match(/\p{L}+/gu) ?? []).filter((w) => /^[A-Za-z]{3,}$/.test(w));

// englishWords are the words (3 letters or more) of the English catalogue
// that the catalogue of locale l does not use itself: names such as Teams
// or Dynamics are in every catalogue and pass.
export function englishWords(l: Locale): Set<string> {
  const words = (cat: Record<string, string>) =>
    new Set(Object.values(cat).flatMap((m) => latinWords(m.replace(/\{\w+\}/g, ' '))).map((w) => w.toLowerCase()));
  const own = words(catalogs[l]);
  return new Set([...words(catalogs.en)].filter((w) => !own.has(w)));
}

// englishOnScreen lists the visible texts of the page (text, placeholders,
// labels and tooltips) that hold a word of englishWords(l), with where
// they are. User data is not the UI's to translate: anything inside an
// element marked data-user-content (message bodies, names, record values,
// titles), and code (syntax, commands), is skipped.
export async function englishOnScreen(page: Page, l: Locale): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: { text: string; where: string }[] = [];
    // Also skipped: what is marked not to translate (identifiers such as
    // time zone names) and what is marked as another language (a
    // language's own name in the language menu).
    const page = document.documentElement.lang;
    const skip = (el: Element) =>
      el.closest('[data-user-content], [translate="no"], code, kbd, script, style, noscript') !== null ||
      (el.closest('[lang]')?.getAttribute('lang') ?? page) !== page;
    const shown = (el: Element) => {
      const box = el.closest('select') ?? el;
      return box.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && (box as HTMLElement).getClientRects().length > 0;
    };
    const where = (el: Element) => {
      const path: string[] = [];
      for (let e: Element | null = el; e && e !== document.body && path.length < 4; e = e.parentElement) {
        const id = e.getAttribute('data-testid');
        path.unshift(id ? `${e.tagName.toLowerCase()}[${id}]` : e.className && typeof e.className === 'string' ? `${e.tagName.toLowerCase()}.${e.className.split(' ')[0]}` : e.tagName.toLowerCase());
      }
      return path.join(' > ');
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim() ?? '';
      if (!el || text === '' || skip(el) || !shown(el)) continue;
      out.push({ text, where: where(el) });
    }
    for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
      if (skip(el) || !shown(el)) continue;
      for (const a of ['placeholder', 'title', 'aria-label']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push({ text: v, where: `${where(el)} @${a}` });
      }
    }
    return out;
  });
  const english = englishWords(l);
  const found: string[] = [];
  for (const { text, where } of texts) {
    const words = latinWords(text).filter((w) => english.has(w.toLowerCase()));
    if (words.length > 0) found.push(`${where}: "${text.slice(0, 120)}" (${[...new Set(words)].join(', ')})`);
  }
  return [...new Set(found)];
}

// expectNoEnglish fails when a zh-CN or fr screen shows English outside
// user data (see englishOnScreen); what names the screen in the message.
export async function expectNoEnglish(page: Page, l: Locale, what: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang), `${what}: the page's language`).toBe(l);
  expect(await englishOnScreen(page, l), `English on the ${l} screen "${what}"`).toEqual([]);
}
