import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { App } from './App';
import { AppError, setTransport, type AppInfo, type Transport, type UISettings } from './api';
import { firstRunView } from './testing/fakeConnection';
import { catalogs } from './i18n';

// fakeTransport stands in for the Go services, recording calls and letting
// the test push server events.
function fakeTransport(info: Partial<AppInfo> = {}, failSet = false) {
  const calls: string[] = [];
  const handlers = new Map<string, ((d: unknown) => void)[]>();
  let settings: UISettings = { language: 'auto', theme: 'system' };
  const base: AppInfo = {
    version: 't', mode: 'browser', dataDir: '/d', storePath: '/d/rapport.db', schemaVersion: 1, osLocale: 'en-US',
    endpoints: { cloud: 'global', authorityUrl: 'https://a', graphUrl: 'https://g', graphResource: 'https://graph.microsoft.com', dataverseUrl: '', tenant: 'organizations', clientId: '' },
  };
  const t: Transport = {
    kind: 'http',
    async call(service, method, args) {
      calls.push(`${service}.${method}`);
      switch (`${service}.${method}`) {
        case 'System.Info': return { ...base, ...info };
        case 'Settings.Get': return settings;
        case 'Settings.Set':
          if (failSet) throw new AppError('store_locked', 'store is in use');
          settings = args[0] as UISettings;
          return settings;
        case 'System.UIReady': return null;
        case 'Search.Saved': return [];
        case 'Search.Query': {
          const q = (args[0] as { q: string }).q;
          return { q, total: 1, tookMs: 3, index: { state: 'ready', indexed: 1, queued: 0 },
            hits: [{ id: 'h1', kind: 'message', score: 1, conv: { id: 'c1', kind: 'chat', name: 'Li Wei' },
              message: { id: 'm1', created: '2026-03-04T09:30:00Z', from: 'Li Wei', importance: 'normal' }, snippet: [{ t: q, hit: true }] }] };
        }
        case 'Sync.Status':
          return { account: '', running: false, canSync: false, notReady: 'no_client_id', notReadyDetail: 'sync is not set up: no app registration',
            store: { teams: 0, channels: 0, chats: 0, messages: 0, tombstones: 0, users: 0, guests: 0, records: {} } };
        case 'Connection.Get':
          return firstRunView();
      }
      throw new AppError('not_found_method', method);
    },
    on(event, h) {
      handlers.set(event, [...(handlers.get(event) ?? []), h]);
      return () => handlers.set(event, (handlers.get(event) ?? []).filter((x) => x !== h));
    },
  };
  const emit = (event: string, data: unknown) => act(() => (handlers.get(event) ?? []).forEach((h) => h(data)));
  return { t, calls, emit, get settings() { return settings; } };
}

beforeEach(() => {
  window.location.hash = '';
  window.matchMedia = ((q: string) => ({ matches: false, media: q, addEventListener() {}, removeEventListener() {} })) as unknown as typeof window.matchMedia;
});
afterEach(() => {
  cleanup();
  setTransport(null);
});

describe('App shell', () => {
  test('shows all seven sections and reports ready', async () => {
    const f = fakeTransport();
    setTransport(f.t);
    render(<App />);
    await waitFor(() => expect(f.calls).toContain('System.UIReady'));
    expect(within(screen.getByRole('navigation')).getAllByRole('link')).toHaveLength(7);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(catalogs.en['nav.conversations']);
  });

  test('follows the OS locale Go reports', async () => {
    setTransport(fakeTransport({ osLocale: 'zh-CN' }).t);
    render(<App />);
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('会话'));
    await waitFor(() => expect(document.documentElement.lang).toBe('zh-CN'));
  });

  test('hash routing selects the section', async () => {
    setTransport(fakeTransport().t);
    window.location.hash = '#/guests';
    render(<App />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(catalogs.en['nav.guests']);
    expect(screen.getByTestId('nav-guests').getAttribute('aria-current')).toBe('page');
  });

  test('a first run without a connection leads to Settings, in the UI language', async () => {
    setTransport(fakeTransport({ osLocale: 'zh-CN' }).t);
    render(<App />);
    const panel = await screen.findByTestId('setup-panel');
    expect(panel.textContent).toContain(catalogs['zh-CN']['setup.title']);
    expect(screen.getByTestId('setup-go').getAttribute('href')).toBe('#/settings/connection');
    const state = await screen.findByTestId('sync-state');
    expect(state.textContent).toContain(catalogs['zh-CN']['sync.notReady.no_client_id']);
    expect(state.textContent).not.toMatch(/not set up|registration|client id/); // no English from Go
    expect(screen.getByTestId('set-up').getAttribute('href')).toBe('#/settings/connection');
    window.location.hash = '#/settings/connection';
    await waitFor(() => expect(screen.queryByTestId('setup-panel')).toBeNull());
    expect(await screen.findByTestId('conn-clientId')).toBeTruthy();
  });

  test('a store that failed to open is explained', async () => {
    setTransport(fakeTransport({ storeError: { code: 'store_locked', message: 'store is in use by another Rapport process' } }).t);
    render(<App />);
    const alert = await screen.findByTestId('store-error');
    expect(alert.textContent).toContain('store is in use by another Rapport process');
  });

  test('settings: change saves, server events apply', async () => {
    const f = fakeTransport();
    setTransport(f.t);
    window.location.hash = '#/settings';
    render(<App />);
    const dark = await screen.findByTestId('theme-dark');
    fireEvent.click(dark);
    await waitFor(() => expect(f.settings.theme).toBe('dark'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    f.emit('settings:changed', { language: 'fr', theme: 'light' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(catalogs.fr['nav.settings']);
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  test('settings: a failed save is shown and rolled back', async () => {
    setTransport(fakeTransport({}, true).t);
    window.location.hash = '#/settings';
    render(<App />);
    fireEvent.click(await screen.findByTestId('theme-dark'));
    await screen.findByText('store is in use');
    // The rollback's theme is applied by an effect after the status renders.
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    expect((screen.getByTestId('theme-system') as HTMLInputElement).checked).toBe(true);
  });
});

describe('search from the header', () => {
  test('the box is on every screen; Ctrl+K focuses it and typing opens Search with results', async () => {
    setTransport(fakeTransport().t);
    window.location.hash = '#/settings';
    render(<App />);
    const box = screen.getByTestId('search-box') as HTMLInputElement;
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(box);
    fireEvent.change(box, { target: { value: '发票' } });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(catalogs.en['nav.search']));
    expect(window.location.hash).toBe('#/search');
    const hit = await screen.findByTestId('hit');
    expect(hit.querySelector('mark')?.textContent).toBe('发票');
    expect(screen.getByTestId('search-box')).toBe(box); // the same box, still there
  });

  test('Search with an empty store explains how data gets in, plus the syntax', async () => {
    setTransport(fakeTransport().t);
    window.location.hash = '#/search';
    render(<App />);
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain(catalogs.en['search.what'].replace(/`/g, ''));
    expect(empty.textContent).toContain(catalogs.en['empty.nothingYet']);
    expect(screen.getByTestId('syntax-help').textContent).toContain('is:unanswered');
  });
});
