import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setTransport } from '../api';
import { LinksProvider } from '../links/LinksContext';
import { card, fakeLinks, type FakeLinksOptions } from '../links/fakeLinks';
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

function renderRecords(opts: FakeLinksOptions) {
  const f = fakeLinks({ rows, ...opts });
  setTransport(f.t);
  render(
    <LinksProvider>
      <RecordsView version={0} />
    </LinksProvider>,
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
