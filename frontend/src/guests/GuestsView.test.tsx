import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError, setTransport, type Change, type Roster, type Transport } from '../api';
import { I18nContext, translator } from '../i18n';
import { GuestsView } from './GuestsView';

configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

// A roster as Go's guests.Read gives it: one team of customer A with an
// owner, a member and a guest of A, and its private channel holding a
// guest of customer B.
const roster: Roster = {
  now: '2026-12-04T00:00:00Z',
  settings: { inactiveDays: 90, pendingDays: 30, restrictMonths: 3, cap: 20 } as Roster['settings'],
  signInAvailable: false,
  containers: [
    {
      id: 't1', teamId: 't1', team: 'Acme project', account: 'a', accountName: 'Acme',
      people: [
        { userId: 'o', name: 'Olivia', email: 'o@us.example', role: 'owner', guest: false, actions: ['member', 'remove'] },
        { userId: 'm', name: 'Mei', email: 'm@us.example', role: 'member', guest: false, actions: ['owner', 'remove'], since: '2026-11-02T08:00:00Z' },
        { userId: 'g', name: 'Gao', email: 'g@acme.example', role: 'guest', guest: true, state: 'pending', account: 'a', actions: ['remove'] },
      ],
    },
    {
      id: 'c1', teamId: 't1', team: 'Acme project', channelId: 'c1', channel: 'Pricing', private: true, account: 'a', accountName: 'Acme',
      people: [
        { userId: 'o', name: 'Olivia', email: 'o@us.example', role: 'owner', guest: false, actions: [] },
        { userId: 'b', name: 'Bea', email: 'b@beta.example', role: 'guest', guest: true, state: 'accepted', account: 'bb', actions: ['remove-channel'] },
      ],
    },
  ],
  guests: [
    { userId: 'g', name: 'Gao', email: 'g@acme.example', account: 'a', accountName: 'Acme', state: 'pending', pendingDays: 41, signIn: 'unavailable',
      memberships: [{ containerId: 't1', teamId: 't1', team: 'Acme project', role: 'guest', account: 'a' }] },
    { userId: 'b', name: 'Bea', email: 'b@beta.example', account: 'bb', accountName: 'Beta', state: 'accepted', signIn: 'unavailable',
      memberships: [{ containerId: 'c1', teamId: 't1', team: 'Acme project', channel: 'Pricing', private: true, role: 'guest', account: 'a' }] },
  ],
  accounts: [
    { id: 'a', name: 'Acme', domains: ['acme.example'], guests: ['g'], teams: ['t1'] },
    { id: 'bb', name: 'Beta', domains: ['beta.example'], guests: ['b'], teams: [] },
  ],
  unmapped: [],
  recommendations: [],
  settingKeys: ['memberSettings.allowCreateUpdateChannels', 'guestSettings.allowCreateUpdateChannels', 'guestSettings.allowDeleteChannels'],
};

function transport(changes: Change[] = []) {
  const calls: [string, unknown[]][] = [];
  const t: Transport = {
    kind: 'http',
    call: (service, method, args) => {
      calls.push([`${service}.${method}`, args]);
      switch (`${service}.${method}`) {
        case 'Guests.Roster':
          return Promise.resolve(roster);
        case 'Guests.Changes':
          return Promise.resolve(changes);
        case 'Guests.Audit':
          return Promise.resolve([]);
        case 'Guests.Plan':
          if (args[0] === 'owner' && args[3] === 'g') return Promise.reject(new AppError('guest_owner', 'a guest cannot be an owner'));
          return Promise.resolve({ id: 'x', action: args[0], teamId: 't1', team: 'Acme project', userId: args[3], name: 'Mei', before: 'member', after: 'owner', planned: '' });
        case 'Guests.PlanSettings':
          return Promise.resolve({ id: 's', action: 'settings', teamId: String(args[0]), team: 'Acme project', userId: '', name: 'Acme project', before: '', after: '', planned: '', settings: args[1] });
        case 'Guests.Apply':
          if (!args[0]) return Promise.reject(new AppError('confirm_required', 'more changes than the cap: confirm again: 21 changes, the cap is 20'));
          return Promise.resolve({ queued: 21, needsConsent: true });
        case 'Guests.Consent':
          return Promise.resolve({ userCode: 'ABCD', verificationUrl: 'https://login.example/devicelogin', message: '', expiresOn: '' });
      }
      return Promise.reject(new Error(`unexpected ${service}.${method}`));
    },
    on: () => () => {},
  };
  return { t, calls };
}

function renderView(tab: string, changes: Change[] = [], locale: 'en' | 'zh-CN' | 'fr' = 'en') {
  const f = transport(changes);
  setTransport(f.t);
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <GuestsView tab={tab} />
    </I18nContext.Provider>,
  );
  return f;
}

describe('Guests section', () => {
  test('by account: a guest of another customer in a private channel stands out; pending shows its age', async () => {
    renderView('accounts', [], 'fr');
    const beta = await screen.findByTestId('account-bb');
    const cross = within(beta).getByText(/Pricing/).closest('li')!;
    expect(cross.getAttribute('data-cross')).toBe('true');
    expect(cross.textContent).toContain('dans un canal privé d’un autre client');
    const acme = screen.getByTestId('account-a');
    expect(acme.textContent).toContain('Invitation en attente depuis 41 jours');
    expect(within(acme).queryByText(/canal privé d’un autre client/)).toBeNull();
  });

  test('by team: owner is offered to members only, never to a guest; a plan names what it does', async () => {
    const f = renderView('teams');
    const rows = await screen.findAllByTestId('person-row');
    const guest = rows.find((r) => r.getAttribute('data-user') === 'g')!;
    const member = rows.find((r) => r.getAttribute('data-user') === 'm')!;
    expect(within(guest).queryByTestId('act-owner')).toBeNull();
    expect(within(guest).getByTestId('act-remove')).toBeTruthy();
    // Member since: when sync found them, else before the first sync.
    expect(within(member).getByTestId('person-since').textContent).toMatch(/^since .*2026/);
    expect(within(rows.find((r) => r.getAttribute('data-user') === 'o')!).getByTestId('person-since').textContent).toBe('before Rapport’s first sync');
    fireEvent.click(within(member).getByTestId('act-owner'));
    await waitFor(() => expect(screen.getByTestId('guests-note').textContent).toContain('Make owner: Mei'));
    expect(f.calls).toContainEqual(['Guests.Plan', ['owner', 't1', '', 'm', '']]);
  });

  test('team settings: only the settings chosen are planned, in Graph’s names', async () => {
    const f = renderView('teams', [], 'fr');
    const form = await screen.findByTestId('team-settings');
    fireEvent.change(within(form).getByTestId('setting-guestSettings.allowDeleteChannels'), { target: { value: 'off' } });
    fireEvent.click(within(form).getByTestId('settings-plan'));
    await waitFor(() => expect(screen.getByTestId('guests-note').textContent).toContain('Les invités suppriment des canaux\u202f: interdit'));
    expect(f.calls).toContainEqual(['Guests.PlanSettings', ['t1', { 'guestSettings.allowDeleteChannels': false }, '']]);
  });

  test('the change set: preview before → after, the cap asks again, then the permission is asked', async () => {
    const cs: Change[] = Array.from({ length: 21 }, (_, i) => ({ id: String(i), action: 'remove', teamId: 't1', team: 'Acme project', userId: 'g', name: 'Gao', before: 'guest', after: '', planned: '' }));
    const f = renderView('changes', cs, 'zh-CN');
    const row = (await screen.findAllByTestId('change-row'))[0]!;
    expect(within(row).getByTestId('change-before').textContent).toBe('来宾');
    expect(within(row).getByTestId('change-after').textContent).toBe('非成员');
    fireEvent.click(screen.getByTestId('apply-changes'));
    const confirm = await screen.findByTestId('apply-confirm');
    expect(confirm.textContent).toContain('21 项变更超过上限 20');
    fireEvent.click(screen.getByTestId('apply-confirm-yes'));
    const code = await screen.findByTestId('consent-code');
    expect(code.textContent).toContain('ABCD');
    expect(f.calls.map((c) => c[0])).toEqual(expect.arrayContaining(['Guests.Apply', 'Guests.Consent']));
    expect(f.calls.filter((c) => c[0] === 'Guests.Apply').map((c) => c[1])).toEqual([[false], [true]]);
  });
});
