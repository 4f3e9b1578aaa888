import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setTransport } from '../api';
import { I18nContext, translator, type Locale } from '../i18n';
import { LinksProvider } from '../links/LinksContext';
import { card, fakeLinks, type FakeLinksOptions } from '../testing/fakeLinks';
import { cell, compareCells } from '../display/crm';
import { RecordsView } from './RecordsView';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

const contoso = card('accounts', 'a1', 'Contoso Ltd');
const rows: NonNullable<FakeLinksOptions['rows']> = {
  accounts: [
    { id: 'a1', fields: { name: 'Contoso Ltd', accountnumber: 'ACC-7' } },
    { id: 'a2', fields: { name: 'Fabrikam', accountnumber: 'ACC-9' } },
  ],
  contacts: [{ id: 'p1', fields: { fullname: 'Li Wei' } }],
};

function renderRecords(opts: FakeLinksOptions, locale: Locale = 'en') {
  const f = fakeLinks({ rows, ...opts });
  setTransport(f.t);
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <LinksProvider>
        <RecordsView version={0} />
      </LinksProvider>
    </I18nContext.Provider>,
  );
  return f;
}

const recordRow = (id: string) => screen.getAllByTestId('record-row').find((r) => r.dataset.id === id)!;
const items = () => screen.queryAllByTestId('timeline-item');

describe('record timeline', () => {
  test('clicking a row lists the chats linked to it, rolled up: via which record, who linked, the last message as text', async () => {
    const f = renderRecords({
      timeline: [
        {
          chatId: 'c1', chatName: 'Invoices with Li Wei', via: contoso, linkedBy: 'Ana Lopez', linkedAt: '2026-03-01T08:00:00Z', kind: 'chat', member: true,
          lastMessage: { from: 'Li Wei', at: '2026-03-04T09:30:00Z', text: '发票请查收 <img src=x onerror=alert(1)> <b>thanks</b>' },
        },
        { chatId: '19:c2@thread.v2', chatName: 'Printer escalation', via: card('incidents', 'i1', 'Printer down'), linkedBy: 'Ben Smith', kind: 'chat', member: true },
      ],
    });
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(2));
    expect(screen.queryByTestId('record-timeline')).toBeNull();
    fireEvent.click(recordRow('a1').querySelectorAll('td')[1]!); // anywhere on the row
    const tl = await screen.findByTestId('record-timeline');
    expect(f.of('Links.Timeline')).toEqual([['accounts', 'a1']]);
    expect(tl.querySelector('h2')!.textContent).toBe('Chats about “Contoso Ltd”');
    expect(recordRow('a1').getAttribute('aria-current')).toBe('true');
    await waitFor(() => expect(items()).toHaveLength(2));

    const [direct, rolled] = items();
    expect(within(direct!).getByTestId('timeline-chat').textContent).toBe('Invoices with Li Wei');
    expect(within(direct!).getByTestId('timeline-chat').getAttribute('href')).toBe('#/conversations/c1');
    expect(within(direct!).getByTestId('timeline-via').textContent).toBe('Linked to this record');
    expect(within(direct!).getByTestId('timeline-linked').textContent).toMatch(/^Linked by Ana Lopez · .*2026/);
    const last = within(direct!).getByTestId('timeline-last');
    expect(last.querySelector('.from')!.textContent).toBe('Li Wei');
    expect(last.querySelector('time')!.getAttribute('dateTime')).toBe('2026-03-04T09:30:00Z');
    expect(last.querySelector('p')!.textContent).toBe('发票请查收 <img src=x onerror=alert(1)> <b>thanks</b>');
    expect(last.querySelector('img, b')).toBeNull();

    expect(within(rolled!).getByTestId('timeline-via').textContent).toBe('via Case “Printer down”');
    expect(within(rolled!).getByTestId('timeline-chat').getAttribute('href')).toBe('#/conversations/19%3Ac2%40thread.v2');
    expect(within(rolled!).getByTestId('timeline-linked').textContent).toBe('Linked by Ben Smith');
    expect(rolled!.textContent).toContain('No messages synced here yet.');
  });

  test('the keyboard way in, an empty timeline, closing, and switching tables', async () => {
    const f = renderRecords({ timeline: [] });
    fireEvent.click(await screen.findByText('Fabrikam')); // the row's button
    expect((await screen.findByTestId('timeline-none')).textContent).toBe('No chat is linked to this record yet.');
    expect(f.of('Links.Timeline')).toEqual([['accounts', 'a2']]); // once: the button does not also bubble to the row
    fireEvent.click(screen.getByTestId('timeline-close'));
    expect(screen.queryByTestId('record-timeline')).toBeNull();
    fireEvent.click(screen.getByText('Contoso Ltd'));
    await screen.findByTestId('record-timeline');
    fireEvent.click(screen.getByTestId('records-contacts'));
    await waitFor(() => expect(screen.getAllByTestId('record-row').map((r) => r.dataset.id)).toEqual(['p1']));
    expect(screen.queryByTestId('record-timeline')).toBeNull();
  });

  test('a linked chat the user is not in: no link into it, Join queues a request and says so; off or refused says why', async () => {
    const printer = card('incidents', 'i1', 'Printer down');
    const f = renderRecords({
      timeline: [
        { chatId: '19:h1@thread.v2', chatName: 'Case CAS-1 handover', via: printer, linkedBy: 'Ben Smith', kind: 'chat', member: false, canJoin: true },
        { chatId: '19:h2@thread.v2', chatName: 'Escalation', via: card('opportunities', 'o1', 'Renewal'), kind: 'chat', member: false, joinOff: true },
        {
          chatId: '19:h3@thread.v2', chatName: 'Old handover', via: printer, kind: 'chat', member: false, canJoin: true,
          join: { seq: 7, state: 'conflict', error: 'the chat is no longer linked to this record in Dynamics 365' },
        },
        { chatId: '19:h4@thread.v2', chatName: 'Joined', via: printer, kind: 'chat', member: false, canJoin: true, join: { seq: 8, state: 'done' } },
      ],
    });
    fireEvent.click(await screen.findByText('Contoso Ltd'));
    await waitFor(() => expect(items()).toHaveLength(4));
    const [open, off, refused, joined] = items();
    // Done but not in yet: it says so, and asking again stays possible.
    expect(within(joined!).getByTestId('join-state').textContent).toContain('Joined: the next sync brings the chat here.');
    within(joined!).getByTestId('join-chat');
    expect(within(open!).getByTestId('timeline-chat').tagName).toBe('SPAN'); // no messages here to open
    expect(within(open!).getByTestId('timeline-join').textContent).toContain('You are not in this chat.');
    expect(within(open!).queryByTestId('timeline-last')).toBeNull();
    expect(within(off!).queryByTestId('join-chat')).toBeNull();
    expect(within(off!).getByTestId('join-off').textContent).toContain('turned off');
    expect(within(refused!).queryByTestId('join-chat')).toBeNull();
    expect(within(refused!).getByTestId('join-state').textContent).toBe('Join refused: the chat is no longer linked to this record in Dynamics 365');
    within(refused!).getByTestId('join-review');

    fireEvent.click(within(open!).getByTestId('join-chat'));
    await waitFor(() => expect(f.of('Links.Join')).toEqual([['19:h1@thread.v2', 'incidents', 'i1']]));
    await waitFor(() => expect(within(items()[0]!).getByTestId('join-state').textContent).toBe('Join requested: sent on the next sync. '));
    expect(within(items()[0]!).queryByTestId('join-chat')).toBeNull();
  });

  test('a thread and a message linked in Rapport: their kind, a link to the post, its text', async () => {
    renderRecords({
      timeline: [
        {
          chatId: 'thread/19:ch@thread.tacv2/100', chatName: 'Contoso / General', via: contoso, kind: 'thread', member: true, local: true,
          convId: '19:ch@thread.tacv2', messageId: '100', lastMessage: { from: 'Li Wei', at: '2026-03-04T09:30:00Z', text: 'the newest reply' },
        },
        {
          chatId: 'message/c1/7', chatName: 'Invoices with Li Wei', via: contoso, kind: 'message', member: true, local: true,
          convId: 'c1', messageId: '7', lastMessage: { from: 'Ana Lopez', at: '2026-03-02T09:30:00Z', text: 'this message' },
        },
      ],
    });
    fireEvent.click(await screen.findByText('Contoso Ltd'));
    await waitFor(() => expect(items()).toHaveLength(2));
    const [thread, message] = items();
    expect(within(thread!).getByTestId('timeline-kind').textContent).toBe('Thread');
    expect(within(thread!).getByTestId('timeline-chat').getAttribute('href')).toBe('#/conversations/19%3Ach%40thread.tacv2/100');
    expect(within(thread!).getByTestId('timeline-last').textContent).toContain('the newest reply');
    expect(within(message!).getByTestId('timeline-kind').textContent).toBe('Message');
    expect(within(message!).getByTestId('timeline-chat').getAttribute('href')).toBe('#/conversations/c1/7');
    expect(within(message!).queryByTestId('timeline-join')).toBeNull();
  });

  test('outbox:pushed and sync:done refresh the open timeline', async () => {
    const f = renderRecords({ timeline: [] });
    fireEvent.click(await screen.findByText('Contoso Ltd'));
    await screen.findByTestId('timeline-none');
    f.state.timeline.push({ chatId: 'c1', chatName: 'Invoices with Li Wei', via: contoso, kind: 'chat', member: true });
    f.emit('outbox:pushed', { done: 1, failed: 0, conflicts: 0, waiting: 0 });
    await waitFor(() => expect(items()).toHaveLength(1));
    expect(f.of('Links.Timeline')).toHaveLength(2);
    // The sync round after the push (a joined chat comes in) refreshes it too.
    f.state.timeline[0]!.lastMessage = { from: 'Li Wei', at: '2026-03-04T09:30:00Z', text: 'hello' };
    f.emit('sync:done', { ok: true });
    await waitFor(() => expect(screen.queryByTestId('timeline-last')?.textContent).toContain('hello'));
    expect(f.of('Links.Timeline')).toHaveLength(3);
  });
});

// Cases as Dataverse sends them: option sets as numbers, one with Dynamics'
// formatted value (in the language of the user's Dynamics), one with a
// value the catalogue does not know.
const cases: NonNullable<FakeLinksOptions['rows']>['incidents'] = [
  { id: 'i1', fields: { ticketnumber: 'CAS-01002-B2', title: 'Printer down', prioritycode: 1, statecode: 0 } },
  { id: 'i2', fields: { ticketnumber: 'CAS-01010-C3', title: 'Invoice missing', prioritycode: 3, statecode: 1 } },
  { id: 'i3', fields: { ticketnumber: 'CAS-01001-A1', title: 'Alarm', prioritycode: 2, statecode: 2 } },
  { id: 'i4', fields: { ticketnumber: 'CAS-01003-D4', title: 'Custom', prioritycode: 9, 'prioritycode@OData.Community.Display.V1.FormattedValue': 'Urgent (custom)', statecode: 7 } },
];
const opportunities: NonNullable<FakeLinksOptions['rows']>['opportunities'] = [
  { id: 'o1', fields: { name: 'Renewal', stepname: 'Propose', estimatedvalue: 125000.5, statecode: 0 } },
  { id: 'o2', fields: { name: 'Expansion', stepname: 'Qualify', estimatedvalue: 9000, statecode: 1 } },
  { id: 'o3', fields: { name: 'Pilot', stepname: 'Develop', statecode: 2 } },
];

const headers = () => screen.getAllByTestId('records-column').map((th) => th.textContent);
const column = (field: string) =>
  screen.getAllByTestId('record-row').map((r) => r.querySelector(`td[data-field="${field}"]`)!.textContent);
const sortBy = (field: string) =>
  fireEvent.click(within(screen.getAllByTestId('records-column').find((th) => th.dataset.field === field)!).getByTestId('records-sort'));
const ariaSort = (field: string) => screen.getAllByTestId('records-column').find((th) => th.dataset.field === field)!.getAttribute('aria-sort');

describe('records read like Dynamics', () => {
  test('the tabs are the catalogue\'s record types; headers are Dynamics\' names, not column names', async () => {
    renderRecords({});
    expect(screen.getAllByRole('tab').map((b) => b.textContent)).toEqual(['Cases', 'Accounts', 'Contacts', 'Opportunities', 'Knowledge articles']);
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(2));
    expect(headers()).toEqual(['Name', 'Account number', 'City', 'E-mail']);
  });

  test.each([
    ['en', ['Case number', 'Title', 'Priority', 'Status'], ['High', 'Low', 'Normal', 'Urgent (custom)'], ['Active', 'Resolved', 'Cancelled', '7']],
    ['zh-CN', ['案例编号', '案例标题', '优先级', '状态'], ['高', '低', '普通', 'Urgent (custom)'], ['活动', '已解决', '已取消', '7']],
    ['fr', ['Numéro de l’incident', 'Titre de l’incident', 'Priorité', 'Statut'], ['Élevée', 'Faible', 'Normale', 'Urgent (custom)'], ['Actif', 'Résolu', 'Annulé', '7']],
  ] as const)('%s: headers, and option sets as their labels (else Dynamics\' formatted value, else the number)', async (locale, names, priorities, states) => {
    renderRecords({ rows: { incidents: cases } }, locale);
    fireEvent.click(screen.getByTestId('records-incidents'));
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(4));
    expect(headers()).toEqual(names);
    expect(column('prioritycode')).toEqual(priorities);
    expect(column('statecode')).toEqual(states);
    expect(screen.getByTestId('records-table').textContent).not.toMatch(/ticketnumber|prioritycode|statecode/);
  });

  test('a header sorts by what it shows, ascending then descending, with aria-sort; other tables start unsorted', async () => {
    renderRecords({ rows: { ...rows, incidents: cases } });
    fireEvent.click(screen.getByTestId('records-incidents'));
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(4));
    expect(ariaSort('prioritycode')).toBeNull();
    sortBy('prioritycode');
    expect(column('prioritycode')).toEqual(['High', 'Low', 'Normal', 'Urgent (custom)']); // by label, not by number
    expect(ariaSort('prioritycode')).toBe('ascending');
    expect(ariaSort('ticketnumber')).toBeNull();
    sortBy('prioritycode');
    expect(column('prioritycode')).toEqual(['Urgent (custom)', 'Normal', 'Low', 'High']);
    expect(ariaSort('prioritycode')).toBe('descending');
    sortBy('ticketnumber');
    expect(column('ticketnumber')).toEqual(['CAS-01001-A1', 'CAS-01002-B2', 'CAS-01003-D4', 'CAS-01010-C3']);
    expect(ariaSort('ticketnumber')).toBe('ascending');
    expect(ariaSort('prioritycode')).toBeNull();
    fireEvent.click(screen.getByTestId('records-accounts'));
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(2));
    expect(screen.getAllByTestId('records-column').map((th) => th.getAttribute('aria-sort'))).toEqual([null, null, null, null]);
  });

  test('a filter keeps the rows holding its words, the count says how many of all; sorting applies to what is left; another table starts unfiltered', async () => {
    renderRecords({ rows: { ...rows, incidents: cases } });
    fireEvent.click(screen.getByTestId('records-incidents'));
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(4));
    expect(screen.getByTestId('records-count').textContent).toBe('4 records');
    fireEvent.change(screen.getByTestId('records-filter'), { target: { value: 'cas-0100' } });
    expect(screen.getAllByTestId('record-row')).toHaveLength(3);
    expect(screen.getByTestId('records-count').textContent).toBe('3 of 4 records');
    sortBy('ticketnumber');
    sortBy('ticketnumber');
    expect(column('ticketnumber')).toEqual(['CAS-01003-D4', 'CAS-01002-B2', 'CAS-01001-A1']);
    fireEvent.change(screen.getByTestId('records-filter'), { target: { value: 'nothing like it' } });
    expect(screen.queryAllByTestId('record-row')).toHaveLength(0);
    expect(screen.getByTestId('records-count').textContent).toBe('0 of 4 records');
    fireEvent.click(screen.getByTestId('records-accounts'));
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(2));
    expect((screen.getByTestId('records-filter') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('records-count').textContent).toBe('2 records');
  });

  test('numbers sort by value and read in the locale; empty cells stay last either way', async () => {
    renderRecords({ rows: { opportunities } }, 'fr');
    fireEvent.click(screen.getByTestId('records-opportunities'));
    await waitFor(() => expect(screen.getAllByTestId('record-row')).toHaveLength(3));
    expect(headers()).toEqual(['Sujet', 'Étape', 'Revenu estimé', 'Statut']);
    expect(column('statecode')).toEqual(['Ouverte', 'Gagnée', 'Perdue']);
    sortBy('estimatedvalue');
    expect(column('estimatedvalue').map((v) => v?.replace(/\s/g, ' '))).toEqual(['9 000', '125 000,5', '']);
    sortBy('estimatedvalue');
    expect(column('estimatedvalue').map((v) => v?.replace(/\s/g, ' '))).toEqual(['125 000,5', '9 000', '']);
  });

  test('dates read in the locale and sort by time, not by text', () => {
    const rows = {
      incidents: [
        { id: 'i1', fields: { ticketnumber: 'CAS-1', title: 'Later', createdon: '2026-03-10T08:00:00Z' } },
        { id: 'i2', fields: { ticketnumber: 'CAS-2', title: 'Earlier', createdon: '2026-02-28T08:00:00Z' } },
      ],
    };
    const t = translator('zh-CN');
    const [later, earlier] = rows.incidents.map((r) => cell('incidents', 'createdon', r.fields, t, 'zh-CN'));
    expect(later!.text).toContain('2026');
    expect(later!.text).toMatch(/3月/);
    expect(compareCells(earlier!, later!, 1, new Intl.Collator('zh-CN'))).toBeLessThan(0);
    const closes = cell('opportunities', 'estimatedclosedate', { estimatedclosedate: '2026-05-01' }, translator('en'), 'en');
    expect(closes.text).toBe('May 1, 2026'); // a date without a time is that day everywhere
  });

  test('the timeline of a case is titled by the case\'s title', async () => {
    renderRecords({ rows: { incidents: cases }, timeline: [] });
    fireEvent.click(screen.getByTestId('records-incidents'));
    fireEvent.click(await screen.findByText('CAS-01010-C3'));
    const tl = await screen.findByTestId('record-timeline');
    expect(tl.querySelector('h2')!.textContent).toBe('Chats about “Invoice missing”');
  });
});
