import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppError, setTransport, type ConnectionFields, type SyncStatus } from '../api';
import { I18nContext, catalogs, translator, type Locale } from '../i18n';
import { ConnectionSettings } from './ConnectionSettings';
import { SyncBar } from './SyncBar';
import { fakeConnection, firstRunView, savedView, type FakeConnectionOptions } from '../testing/fakeConnection';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

function renderIn(locale: Locale, node: React.ReactNode, opts: FakeConnectionOptions = {}) {
  const f = fakeConnection(opts);
  setTransport(f.t);
  render(<I18nContext.Provider value={{ locale, t: translator(locale) }}>{node}</I18nContext.Provider>);
  return f;
}

const input = (name: string) => screen.getByTestId(`conn-${name}`) as HTMLInputElement;
const type = (name: string, value: string) => fireEvent.change(input(name), { target: { value } });

const tenantsim: ConnectionFields = {
  cloud: 'global', tenant: 'lumen.onmicrosoft.com', clientId: '0b6f7b3e-5a5c-4c1e-9d2a-7e1f0c4d9a11',
  dataverseUrl: 'https://127.0.0.1:8443/dataverse', authorityUrl: 'https://127.0.0.1:8443', graphUrl: 'https://127.0.0.1:8443/graph',
};

describe('Settings → Microsoft 365 connection', () => {
  test('first run: not set up, explained, with the permissions Go lists', async () => {
    renderIn('zh-CN', <ConnectionSettings />);
    const state = await screen.findByTestId('conn-state');
    const zh = catalogs['zh-CN'];
    expect(state.textContent).toContain(zh['connection.missing.no_client_id']);
    expect(state.textContent).toContain(zh['connection.missing.no_dataverse']);
    expect(input('clientId').value).toBe('');
    expect(input('tenant').disabled).toBe(false);
    expect((screen.getByTestId('conn-cloud') as HTMLSelectElement).value).toBe('global');
    // The app registration is explained (open on a first run) with Go's list.
    const reg = screen.getByTestId('app-registration');
    expect(reg.hasAttribute('open')).toBe(true);
    expect(reg.textContent).toContain(zh['connection.appReg.title']);
    expect(within(screen.getByTestId('perms-graph')).getAllByText(/\./).map((c) => c.textContent)).toContain('ChannelMessage.Read.All');
    expect(screen.getByTestId('perms-dataverse').textContent).toBe('user_impersonation');
    expect(reg.textContent).toContain('http://localhost');
    expect((screen.getByTestId('conn-check') as HTMLButtonElement).disabled).toBe(true);
  });

  test('saving sends the fields with no choice and shows the saved state', async () => {
    const f = renderIn('en', <ConnectionSettings />);
    await screen.findByTestId('conn-state');
    type('tenant', tenantsim.tenant!);
    type('clientId', tenantsim.clientId!);
    type('dataverseUrl', tenantsim.dataverseUrl!);
    expect(screen.getByTestId('conn-advanced').hasAttribute('open')).toBe(false);
    fireEvent.click(screen.getByTestId('conn-advanced').querySelector('summary')!);
    type('authorityUrl', tenantsim.authorityUrl!);
    type('graphUrl', tenantsim.graphUrl!);
    fireEvent.click(screen.getByTestId('conn-save'));
    await waitFor(() => expect(screen.getByTestId('conn-saved').textContent).toBe(catalogs.en['connection.saved']));
    expect(f.of('Connection.Save')).toEqual([[tenantsim, '']]);
    expect(screen.getByTestId('conn-state').textContent).toContain(catalogs.en['connection.ready']);
    expect((screen.getByTestId('conn-check') as HTMLButtonElement).disabled).toBe(false);
  });

  test('a field error is shown at its field, in the UI language, with Go’s detail', async () => {
    const err = new AppError('invalid_argument', 'invalid endpoint configuration: client id "my-app": …', 'clientId', 'bad_client_id');
    renderIn('fr', <ConnectionSettings />, { save: () => err });
    await screen.findByTestId('conn-state');
    type('clientId', 'my-app');
    fireEvent.click(screen.getByTestId('conn-save'));
    const field = input('clientId').closest('.conn-field')!;
    await waitFor(() => expect(field.textContent).toContain(catalogs.fr['connection.error.bad_client_id']));
    expect(field.textContent).toContain('client id "my-app"');
    expect(input('clientId').getAttribute('aria-invalid')).toBe('true');
  });

  test('an unreachable sign-in service opens the advanced addresses and points at the authority', async () => {
    const err = new AppError('authority_unreachable', 'the sign-in service cannot be reached: dial tcp …', 'authorityUrl');
    renderIn('en', <ConnectionSettings />, { save: () => err });
    await screen.findByTestId('conn-state');
    fireEvent.click(screen.getByTestId('conn-save'));
    await waitFor(() => expect(screen.getByTestId('conn-advanced').hasAttribute('open')).toBe(true));
    expect(input('authorityUrl').closest('.conn-field')!.textContent).toContain(catalogs.en['connection.error.authority_unreachable']);
  });

  test('fields set by flags are read-only with their source', async () => {
    const view = savedView({ tenant: 'contoso.onmicrosoft.com' }, {
      locked: { clientId: '--client-id', cloud: 'RAPPORT_CLOUD' },
      effective: { cloud: 'china', authorityUrl: 'https://login.chinacloudapi.cn', graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
        graphResource: 'https://microsoftgraph.chinacloudapi.cn', dataverseUrl: '',
        tenant: 'contoso.onmicrosoft.com', clientId: '11111111-2222-3333-4444-555555555555' },
    });
    renderIn('en', <ConnectionSettings />, { view });
    await screen.findByTestId('conn-state');
    expect(input('clientId').disabled).toBe(true);
    expect(input('clientId').value).toBe('11111111-2222-3333-4444-555555555555');
    expect(input('clientId').closest('.conn-field')!.textContent).toContain('Set by --client-id');
    expect((screen.getByTestId('conn-cloud') as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByTestId('conn-cloud') as HTMLSelectElement).value).toBe('china');
    expect(input('tenant').disabled).toBe(false);
    expect(input('dataverseUrl').placeholder).toBe('https://contoso.crm.dynamics.cn');
    expect(screen.getByTestId('connection').textContent).toContain(catalogs.en['settings.connectionHelp']);
  });

  test('another directory: the user chooses, and the choice is sent', async () => {
    const view = savedView(tenantsim, { origin: { tenantId: 'aaaaaaaa-0000-4000-8000-000000000001' }, hasData: true });
    const f = renderIn('en', <ConnectionSettings />, {
      view,
      save: (fields, choice) =>
        choice === ''
          ? new AppError('tenant_change', 'the connection points at another directory')
          : savedView(fields, { origin: { tenantId: 'aaaaaaaa-0000-4000-8000-000000000001', readOnly: true }, hasData: true, ready: false }),
    });
    await screen.findByTestId('conn-state');
    type('tenant', 'fabrikam.onmicrosoft.com');
    fireEvent.click(screen.getByTestId('conn-save'));
    const change = await screen.findByTestId('conn-change');
    expect(change.textContent).toContain('aaaaaaaa-0000-4000-8000-000000000001');
    expect(change.textContent).toContain('fabrikam.onmicrosoft.com');
    expect(screen.queryByTestId('conn-save')).toBeNull();
    fireEvent.click(screen.getByTestId('conn-choice-keep'));
    const ro = await screen.findByTestId('conn-readonly');
    expect(ro.textContent).toContain('aaaaaaaa-0000-4000-8000-000000000001');
    expect(f.of('Connection.Save').map((a) => a[1])).toEqual(['', 'keep_read_only']);
    // Start over takes two clicks.
    fireEvent.click(screen.getByTestId('conn-start-over'));
    expect(f.of('Connection.StartOver')).toEqual([]);
    fireEvent.click(screen.getByTestId('conn-start-over-sure'));
    await waitFor(() => expect(screen.queryByTestId('conn-readonly')).toBeNull());
    expect(f.of('Connection.StartOver')).toEqual([[]]);
  });

  test('the check shows the directory, the account and Dynamics 365', async () => {
    renderIn('en', <ConnectionSettings />, {
      view: savedView(tenantsim, { ready: true, account: 'fang.song@lumen.onmicrosoft.com' }),
      check: { tenantId: 'd8261ead-b165-4fee-ae51-2e95060dbc9e', account: 'fang.song@lumen.onmicrosoft.com', dataverse: 'failed',
        dataverseError: { code: 'dataverse_denied', message: 'dataverse: 403 0x80040220: Principal user is missing prvRead privilege.' } },
    });
    fireEvent.click(await screen.findByTestId('conn-check'));
    const res = await screen.findByTestId('conn-check-result');
    expect(res.textContent).toContain('d8261ead-b165-4fee-ae51-2e95060dbc9e');
    expect(res.textContent).toContain('Signed in as fang.song@lumen.onmicrosoft.com.');
    expect(res.querySelector('[data-check="dataverse"]')!.textContent).toContain(catalogs.en['connection.dvError.dataverse_denied']);
  });
});

describe('sync bar', () => {
  const store = { teams: 2, channels: 4, chats: 9, messages: 300, tombstones: 0, users: 5, guests: 1, membersByRole: {}, records: {}, cursors: [] };
  const renderBar = (locale: Locale, status: Partial<SyncStatus>) => renderIn(locale, <SyncBar onSynced={() => {}} />, { status: { store, ...status } });

  test('not set up: said in the UI language, with a way to Settings', async () => {
    renderBar('fr', { notReady: 'no_client_id', notReadyDetail: 'sync is not set up: no app registration (client id)' });
    const state = await screen.findByTestId('sync-state');
    expect(state.textContent).toContain(catalogs.fr['sync.notReady.no_client_id']);
    expect(state.textContent).not.toContain('client id');
    expect(state.getAttribute('title')).toContain('client id'); // the detail, on hover
    expect(screen.getByTestId('set-up').getAttribute('href')).toBe('#/settings/connection');
    expect(screen.queryByTestId('sign-in-code')).toBeNull();
  });

  test('signed out by the tenant: said so, Sign in offered, and the bar follows the sign-in', async () => {
    const f = renderBar('zh-CN', { canSync: true, notReady: '', account: '', signedOut: 'sign-in required: the tenant signed you out (invalid_grant: AADSTS50173)',
      last: { progress: { phase: 'done', current: '', done: 0, total: 0, messages: 0, records: 0, requests: 3, errors: 0, started: '2026-03-04T09:00:00Z' },
        error: { code: 'sign_in_required', message: 'sign-in required: …' } } });
    const state = await screen.findByTestId('sync-state');
    expect(state.textContent).toBe(catalogs['zh-CN']['sync.signedOut']);
    expect(state.dataset.state).toBe('signed-out');
    fireEvent.click(screen.getByTestId('sign-in-code'));
    expect((await screen.findByTestId('device-code')).textContent).toContain('ABCD1234');
    f.setStatus({ account: 'fang.song@lumen.onmicrosoft.com', signedOut: '', last: { progress: { phase: 'done', current: '', done: 9, total: 9, messages: 12, records: 3, requests: 40, errors: 0, started: '2026-03-04T09:05:00Z' } } });
    f.emit('auth:signed-in', 'fang.song@lumen.onmicrosoft.com');
    await waitFor(() => expect(screen.getByTestId('sync-state').dataset.state).toBe('done'));
    expect(screen.queryByTestId('device-code')).toBeNull();
    expect(screen.getByTestId('syncbar').textContent).toContain('fang.song@lumen.onmicrosoft.com');
  });

  test('a finished round says what it brought in, never "0 errors"', async () => {
    renderBar('en', { canSync: true, account: 'me@contoso.com',
      last: { progress: { phase: 'done', current: '', done: 9, total: 9, messages: 12, records: 3, requests: 40, errors: 0, started: '2026-03-04T09:00:00Z' } } });
    const state = await screen.findByTestId('sync-state');
    expect(state.textContent).toContain('12 messages, 3 records updated');
    expect(state.textContent).not.toMatch(/fail|error/i);
  });

  test('failed sources are counted only when there are some', async () => {
    renderBar('en', { canSync: true, account: 'me@contoso.com',
      last: { progress: { phase: 'done', current: '', done: 9, total: 9, messages: 12, records: 3, requests: 40, errors: 2, started: '2026-03-04T09:00:00Z' } } });
    expect((await screen.findByTestId('sync-state')).textContent).toContain('2 sources failed');
  });

  test('kept read-only: sync is off, said so', async () => {
    renderBar('en', { canSync: false, notReady: 'read_only', account: 'me@contoso.com' });
    expect((await screen.findByTestId('sync-state')).textContent).toContain(catalogs.en['sync.notReady.read_only']);
    expect((screen.getByTestId('sync-now') as HTMLButtonElement).disabled).toBe(true);
  });
});

test('firstRunView matches what the form needs', () => {
  expect(firstRunView().missing).toContain('no_client_id');
});
