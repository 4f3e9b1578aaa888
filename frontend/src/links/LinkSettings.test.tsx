import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppError, setTransport, type AppInfo, type LinkSettings } from '../api';
import { I18nContext, translator } from '../i18n';
import { SettingsView } from '../sections/SettingsView';
import { LinkSettingsPanel } from './LinkSettings';
import { defaultLinkSettings, fakeLinks, type FakeLinksOptions } from '../testing/fakeLinks';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

function renderPanel(opts: FakeLinksOptions = {}) {
  const f = fakeLinks(opts);
  setTransport(f.t);
  render(<LinkSettingsPanel />);
  return f;
}

const box = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const select = (set: string) => screen.getByTestId(`field-add-${set}`) as HTMLSelectElement;
const fieldsOf = (set: string) => within(screen.getByTestId(`card-fields-${set}`)).queryAllByTestId('card-field').map((li) => li.dataset.field);
const saves = (f: ReturnType<typeof fakeLinks>) => f.of('Links.SetSettings').map((a) => a[0] as LinkSettings);

describe('Settings → Linked records', () => {
  test('loads and shows the fields and rules per record type, and the privileged role', async () => {
    const s = defaultLinkSettings();
    s.rules.contacts = { ownerMay: false, linkerMay: true, join: false };
    s.rules.knowledgearticles = { ownerMay: false, linkerMay: false, join: false };
    s.privileged = true;
    const f = fakeLinks({ linkSettings: s });
    setTransport(f.t);
    const info: AppInfo = {
      version: 't', mode: 'browser', dataDir: '/d', storePath: '/d/rapport.db', schemaVersion: 1, osLocale: 'en-US',
      endpoints: { cloud: 'global', authorityUrl: 'https://a', graphUrl: 'https://g', graphResource: 'https://graph.microsoft.com', dataverseUrl: '', tenant: 'organizations', clientId: '' },
    };
    render(<SettingsView info={info} settings={{ language: 'en', theme: 'system' }} onChange={async () => {}} />);
    const panel = await screen.findByTestId('link-settings');
    await waitFor(() => expect(fieldsOf('incidents')).toHaveLength(5));
    expect(panel.querySelector('h2')!.textContent).toBe('Linked records');
    expect(f.of('Links.Settings')).toEqual([[]]);
    expect([...panel.querySelectorAll('legend')].map((l) => l.textContent)).toEqual([
      'Cases', 'Accounts', 'Contacts', 'Opportunities', 'Knowledge articles',
    ]);
    expect(fieldsOf('incidents')).toEqual(['title', 'ticketnumber', 'prioritycode', 'statecode', 'statuscode']);
    expect(within(screen.getByTestId('card-fields-contacts')).getAllByTestId('card-field').map((li) => li.querySelector('span')!.textContent))
      .toEqual(['Name', 'Job title', 'E-mail', 'Phone']);
    expect([box('unlink-owner-accounts').checked, box('unlink-linker-accounts').checked]).toEqual([true, true]);
    expect([box('unlink-owner-contacts').checked, box('unlink-linker-contacts').checked]).toEqual([false, true]);
    expect([box('unlink-owner-knowledgearticles').checked, box('unlink-linker-knowledgearticles').checked]).toEqual([false, false]);
    expect(box('link-privileged').checked).toBe(true);
    expect(panel.textContent).toContain('I have a privileged role (System Administrator or Customizer)');
    // Who enforces the unlink rules: Rapport only; Dynamics its own.
    expect(screen.getByTestId('unlink-enforced-here').textContent).toMatch(/kept by Rapport only.*Dynamics 365, which enforces its own/);
    // The add list offers what the catalogue has and the card does not.
    expect([...select('accounts').options].map((o) => o.value)).toEqual(['', 'websiteurl', 'accountcategorycode', 'statecode', 'modifiedon']);
    expect(f.of('Links.SetSettings')).toEqual([]);
  });

  test('fields are named as Dynamics names them in the UI language; one the catalogue lacks keeps Go\'s label', async () => {
    const s = defaultLinkSettings();
    s.fields.incidents = [...s.fields.incidents!.slice(0, 4), { field: 'caseorigincode', label: 'Origin' }];
    const f = fakeLinks({ linkSettings: s });
    setTransport(f.t);
    render(
      <I18nContext.Provider value={{ locale: 'zh-CN', t: translator('zh-CN') }}>
        <LinkSettingsPanel />
      </I18nContext.Provider>,
    );
    await waitFor(() => expect(fieldsOf('incidents')).toHaveLength(5));
    expect(within(screen.getByTestId('card-fields-incidents')).getAllByTestId('card-field').map((li) => li.querySelector('span')!.textContent))
      .toEqual(['案例标题', '案例编号', '优先级', '状态', 'Origin']);
    expect(screen.getByTestId('field-remove-incidents-prioritycode').getAttribute('aria-label')).toContain('优先级');
    expect([...select('incidents').options].slice(1).map((o) => o.textContent)).toEqual(['状态原因', '描述', '创建时间', '修改时间']);
    expect(screen.getByTestId('key-incidents-statuscode').parentElement!.textContent).toBe('状态原因');
  });

  test('toggling a rule saves the whole settings with that rule changed', async () => {
    const f = renderPanel();
    await waitFor(() => expect(box('unlink-owner-accounts').checked).toBe(true));
    fireEvent.click(box('unlink-owner-accounts'));
    expect((await screen.findByTestId('link-settings-saved')).textContent).toBe('Saved.');
    const want = defaultLinkSettings();
    want.rules.accounts = { ownerMay: false, linkerMay: true, join: false };
    expect(saves(f)).toEqual([want]);
    expect(box('unlink-owner-accounts').checked).toBe(false);
    expect(f.state.linkSettings.rules.accounts).toEqual({ ownerMay: false, linkerMay: true, join: false });

    fireEvent.click(box('unlink-linker-incidents'));
    fireEvent.click(box('link-privileged'));
    await waitFor(() => expect(saves(f)).toHaveLength(3));
    expect(saves(f)[1]!.rules.incidents).toEqual({ ownerMay: true, linkerMay: false, join: true });
    expect(saves(f)[2]).toEqual({ ...want, rules: { ...want.rules, incidents: { ownerMay: true, linkerMay: false, join: true } }, privileged: true });
    await waitFor(() => expect(f.state.linkSettings.privileged).toBe(true));
    expect(box('link-privileged').checked).toBe(true);
  });

  test('at most five fields: add is disabled at five and says why; removing one allows adding again', async () => {
    const f = renderPanel();
    await waitFor(() => expect(fieldsOf('incidents')).toHaveLength(5));
    // Cases start with five.
    expect(select('incidents').disabled).toBe(true);
    expect(screen.getByTestId('field-limit-incidents').textContent).toBe('A card shows at most five fields: remove one to add another.');
    expect(select('incidents').getAttribute('aria-describedby')).toBe(screen.getByTestId('field-limit-incidents').id);

    // Opportunities have four: add a fifth, then the limit applies.
    expect(select('opportunities').disabled).toBe(false);
    expect(screen.queryByTestId('field-limit-opportunities')).toBeNull();
    fireEvent.change(select('opportunities'), { target: { value: 'statecode' } });
    await waitFor(() => expect(saves(f)).toHaveLength(1));
    expect(saves(f)[0]!.fields.opportunities).toEqual([
      { field: 'name', label: 'Topic' }, { field: 'stepname', label: 'Stage' }, { field: 'estimatedvalue', label: 'Est. revenue' },
      { field: 'estimatedclosedate', label: 'Est. close date' }, { field: 'statecode', label: 'Status' },
    ]);
    expect(saves(f)[0]!.fields.incidents).toEqual(defaultLinkSettings().fields.incidents);
    await screen.findByTestId('link-settings-saved');
    expect(fieldsOf('opportunities')).toHaveLength(5);
    expect(select('opportunities').disabled).toBe(true);
    expect(screen.getByTestId('field-limit-opportunities')).toBeTruthy();

    // Remove a case field: the case list may grow again, with what was removed on offer.
    const remove = screen.getByTestId('field-remove-incidents-statuscode');
    expect(remove.getAttribute('aria-label')).toBe('Remove “Status reason” from the card');
    fireEvent.click(remove);
    await waitFor(() => expect(saves(f)).toHaveLength(2));
    expect(saves(f)[1]!.fields.incidents!.map((x) => x.field)).toEqual(['title', 'ticketnumber', 'prioritycode', 'statecode']);
    await waitFor(() => expect(select('incidents').disabled).toBe(false));
    expect(screen.queryByTestId('field-limit-incidents')).toBeNull();
    expect([...select('incidents').options].map((o) => o.value)).toEqual(['', 'statuscode', 'description', 'createdon', 'modifiedon']);
    fireEvent.change(select('incidents'), { target: { value: 'createdon' } });
    await waitFor(() => expect(fieldsOf('incidents')).toEqual(['title', 'ticketnumber', 'prioritycode', 'statecode', 'createdon']));
    expect(select('incidents').disabled).toBe(true);
  });

  test('the last field cannot be removed (an empty card would fall back to the defaults)', async () => {
    const s = defaultLinkSettings();
    s.fields.knowledgearticles = [{ field: 'title', label: 'Title' }];
    const f = renderPanel({ linkSettings: s });
    const only = (await screen.findByTestId('field-remove-knowledgearticles-title')) as HTMLButtonElement;
    expect(only.disabled).toBe(true);
    expect(only.title).toBe('A card needs at least one field.');
    expect((screen.getByTestId('field-remove-contacts-jobtitle') as HTMLButtonElement).disabled).toBe(false);
    expect(f.of('Links.SetSettings')).toEqual([]);
  });

  test('the fake, like Go, refuses more than five fields', async () => {
    const f = fakeLinks();
    const s = defaultLinkSettings();
    s.fields.accounts = [...s.fields.accounts!, { field: 'websiteurl', label: 'Website' }];
    await expect(f.t.call('Links', 'SetSettings', [s])).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  test('a refused save is shown inline and undone', async () => {
    const f = renderPanel({
      fail: { 'Links.SetSettings': new AppError('invalid_argument', 'invalid argument: card fields for "accounts" (a record type, at most five)') },
    });
    await waitFor(() => expect(box('unlink-linker-contacts').checked).toBe(true));
    fireEvent.click(box('unlink-linker-contacts'));
    const err = await screen.findByTestId('link-settings-error');
    expect(err.getAttribute('role')).toBe('alert');
    expect(err.textContent).toBe('That did not work: invalid argument: card fields for "accounts" (a record type, at most five)');
    expect(box('unlink-linker-contacts').checked).toBe(true);
    expect(saves(f)).toHaveLength(1);
    expect(screen.queryByTestId('link-settings-saved')).toBeNull();
  });

  test("key fields: Go's defaults checked, at most five, none says no notices; join toggles per type", async () => {
    const f = renderPanel();
    await waitFor(() => expect(box('key-incidents-prioritycode').checked).toBe(true));
    const checked = (set: string) =>
      [...screen.getByTestId(`key-fields-${set}`).querySelectorAll('input')].filter((i) => i.checked).map((i) => i.dataset.testid!.split('-').pop());
    expect(checked('incidents')).toEqual(['prioritycode', 'statecode', 'statuscode']);
    expect([box('join-incidents').checked, box('join-accounts').checked]).toEqual([true, false]);

    // Two more make five: the rest are disabled and the limit says why.
    fireEvent.click(box('key-incidents-title'));
    await waitFor(() => expect(saves(f)).toHaveLength(1));
    fireEvent.click(box('key-incidents-ticketnumber'));
    await waitFor(() => expect(saves(f)).toHaveLength(2));
    expect(saves(f)[1]!.keyFields.incidents).toEqual(['prioritycode', 'statecode', 'statuscode', 'title', 'ticketnumber']);
    await waitFor(() => expect(box('key-incidents-description').disabled).toBe(true));
    expect(screen.getByTestId('key-limit-incidents').textContent).toBe('At most five key fields: clear one to choose another.');
    expect(box('key-incidents-title').disabled).toBe(false);

    // Clearing the only key field of accounts: no notices, and it says so.
    fireEvent.click(box('key-accounts-statecode'));
    await waitFor(() => expect(saves(f)).toHaveLength(3));
    expect(saves(f)[2]!.keyFields.accounts).toEqual([]);
    await screen.findByTestId('key-none-accounts');

    fireEvent.click(box('join-accounts'));
    await waitFor(() => expect(saves(f)).toHaveLength(4));
    expect(saves(f)[3]!.rules.accounts).toEqual({ ownerMay: true, linkerMay: true, join: true });
  });

  test('a failed load is shown inline', async () => {
    renderPanel({ fail: { 'Links.Settings': new AppError('store_locked', 'store is in use') } });
    expect((await screen.findByTestId('link-settings-error')).textContent).toBe('store is in use');
    expect(screen.queryByTestId('card-fields-incidents')).toBeNull();
  });
});
