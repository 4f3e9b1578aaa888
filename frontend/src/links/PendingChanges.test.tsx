import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppError, setTransport } from '../api';
import { SyncBar } from '../sections/SyncBar';
import { LinksProvider } from './LinksContext';
import { PendingHost, serverEntries } from './PendingChanges';
import { fakeLinks, op, type FakeLinksOptions } from '../testing/fakeLinks';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

// The server's side of a conflict: a Dataverse chats row.
const server = {
  '@odata.etag': 'W/"8812"',
  activityid: 'row-1',
  teamschatid: '19:other@thread.v2',
  _regardingobjectid_value: '5f0c…',
  '_regardingobjectid_value@OData.Community.Display.V1.FormattedValue': 'Fabrikam',
  regardingobjecttypecode: 'account',
  linkedon: '',
};

const outbox = () => [
  op(6, { state: 'pending', kind: 'unlink', recordTitle: 'Contoso Ltd', set: 'accounts', recordId: 'a1' }),
  op(5, { state: 'in-flight', attempts: 1 }),
  op(4, { state: 'conflict', attempts: 2, error: 'Dynamics 365 holds a different row under this link\'s id', server }),
  op(3, { state: 'failed', attempts: 5, error: 'HTTP 403: principal lacks prvCreateChat', kind: 'link', recordTitle: 'Li Wei', set: 'contacts', recordId: 'p1' }),
  op(2, { state: 'done', attempts: 1 }),
  op(1, { state: 'discarded', attempts: 3 }),
];

function renderBar(opts: FakeLinksOptions = { outbox: outbox() }) {
  const f = fakeLinks(opts);
  setTransport(f.t);
  render(
    <LinksProvider>
      <SyncBar onSynced={() => {}} />
      <PendingHost />
    </LinksProvider>,
  );
  return f;
}

const rows = () => screen.getAllByTestId('op');
const row = (seq: number) => rows().find((r) => r.dataset.seq === String(seq))!;

async function openPanel() {
  fireEvent.click(await screen.findByTestId('pending-changes-button'));
  return screen.getByTestId('pending-changes');
}

describe('pending changes', () => {
  test('the sync bar counts edits not yet in Dynamics 365 and opens the list, newest first', async () => {
    renderBar();
    const button = await screen.findByTestId('pending-changes-button');
    await waitFor(() => expect(within(button).getByTestId('pending-count').textContent).toBe('4'));
    expect(button.dataset.attention).toBe('true'); // something failed
    expect(button.getAttribute('aria-expanded')).toBe('false');

    const panel = await openPanel();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    await waitFor(() => expect(rows()).toHaveLength(6));
    expect(rows().map((r) => `${r.dataset.seq}:${r.dataset.state}`)).toEqual(['6:pending', '5:in-flight', '4:conflict', '3:failed', '2:done', '1:discarded']);
    // Finished ones are history, folded away.
    expect(row(2).closest('details')).not.toBeNull();
    expect(row(4).closest('details')).toBeNull();

    const failed = row(3);
    expect(within(failed).getByTestId('op-kind').textContent).toBe('Link');
    expect(within(failed).getByTestId('op-chat').textContent).toBe('Invoices with Li Wei');
    expect(within(failed).getByTestId('op-record').textContent).toBe('Li Wei');
    expect(within(failed).getByTestId('op-state').textContent).toBe('Failed');
    expect(within(failed).getByTestId('op-attempts').textContent).toBe('Attempts: 5');
    expect(within(failed).getByTestId('op-error').textContent).toBe('HTTP 403: principal lacks prvCreateChat');
    expect(within(failed).queryByTestId('op-sides')).toBeNull(); // no server side to show
    expect(within(row(6)).getByTestId('op-kind').textContent).toBe('Unlink');

    // Retry for failed and conflicting edits; Discard also undoes a waiting one; in flight or finished: neither.
    const buttons = (seq: number) => ['op-retry', 'op-discard'].filter((id) => within(row(seq)).queryByTestId(id));
    expect([6, 5, 4, 3, 2, 1].map(buttons)).toEqual([['op-discard'], [], ['op-retry', 'op-discard'], ['op-retry', 'op-discard'], [], []]);
    expect(panel.textContent).toContain('Sent or discarded (2)');
  });

  test('a conflict shows both sides: what Dynamics 365 has and what you wanted', async () => {
    renderBar();
    await openPanel();
    await waitFor(() => expect(rows()).toHaveLength(6));
    const conflict = row(4);
    const theirs = within(conflict).getByTestId('op-server');
    expect(theirs.querySelector('h4')!.textContent).toBe('Dynamics 365 has:');
    const pairs = [...theirs.querySelectorAll('dl > div')].map((d) => `${d.querySelector('dt')!.textContent}=${d.querySelector('dd')!.textContent}`);
    expect(pairs).toEqual(['activityid=row-1', 'Chat=19:other@thread.v2', 'Record=Fabrikam', 'Record type=account']);
    const mine = within(conflict).getByTestId('op-mine');
    expect(mine.textContent).toBe('You wanted:Link “Invoices with Li Wei” to “Printer down”');
  });

  test('Retry and Discard call the service and update the list and the count', async () => {
    const f = renderBar();
    await openPanel();
    await waitFor(() => expect(rows()).toHaveLength(6));
    fireEvent.click(within(row(4)).getByTestId('op-retry'));
    await waitFor(() => expect(row(4).dataset.state).toBe('pending'));
    expect(f.of('Links.Retry')).toEqual([[4]]);
    expect(within(row(4)).queryByTestId('op-sides')).toBeNull();

    fireEvent.click(within(row(3)).getByTestId('op-discard'));
    await waitFor(() => expect(row(3).dataset.state).toBe('discarded'));
    expect(f.of('Links.Discard')).toEqual([[3]]);
    expect(row(3).closest('details')).not.toBeNull();
    const button = screen.getByTestId('pending-changes-button');
    await waitFor(() => expect(within(button).getByTestId('pending-count').textContent).toBe('3'));
    expect(button.dataset.attention).toBeUndefined();
  });

  test('a refused retry says why and changes nothing', async () => {
    renderBar({ outbox: outbox(), fail: { 'Links.Retry': new AppError('invalid', 'operation 3 is done; only failed, conflicting or waiting ones can be retried') } });
    await openPanel();
    await waitFor(() => expect(rows()).toHaveLength(6));
    fireEvent.click(within(row(3)).getByTestId('op-retry'));
    expect((await within(row(3)).findByTestId('op-action-error')).textContent).toContain('only failed, conflicting or waiting ones can be retried');
    expect(row(3).dataset.state).toBe('failed');
  });

  test('outbox:pushed refreshes the count and the list and says what the push did', async () => {
    const f = renderBar();
    await openPanel();
    await waitFor(() => expect(rows()).toHaveLength(6));
    expect(screen.queryByTestId('pushed-summary')).toBeNull();
    for (const o of f.state.outbox) if (o.seq >= 5) o.state = 'done';
    f.emit('outbox:pushed', { done: 2, failed: 0, conflicts: 1, waiting: 1 });
    await waitFor(() => expect(row(6).dataset.state).toBe('done'));
    expect(within(screen.getByTestId('pending-changes-button')).getByTestId('pending-count').textContent).toBe('2');
    expect(screen.getByTestId('pushed-summary').textContent).toBe('Last sync: 2 sent, 1 in conflict, 1 still waiting.');
    f.emit('outbox:pushed', { done: 0, failed: 0, conflicts: 0, waiting: 2 });
    await waitFor(() => expect(screen.getByTestId('pushed-summary').textContent).toBe('Last sync: 2 still waiting.'));
  });

  test('nothing waiting: no count, the panel says so; × and Escape close it', async () => {
    renderBar({ outbox: [op(1, { state: 'done' })] });
    const button = await screen.findByTestId('pending-changes-button');
    expect(within(button).queryByTestId('pending-count')).toBeNull();
    await openPanel();
    expect((await screen.findByTestId('pending-none')).textContent).toBe('Nothing waiting: every change has been sent.');
    expect(document.activeElement?.id).toBe('pending-changes-title');
    fireEvent.click(screen.getByTestId('pending-close'));
    expect(screen.queryByTestId('pending-changes')).toBeNull();
    fireEvent.click(button);
    fireEvent.keyDown(screen.getByTestId('pending-changes'), { key: 'Escape' });
    expect(screen.queryByTestId('pending-changes')).toBeNull();
  });

  test('no button when the outbox cannot be read', async () => {
    const f = renderBar({ fail: { 'Links.Outbox': new AppError('not_found_method', 'no such call Links.Outbox') } });
    await screen.findByTestId('sync-now');
    await waitFor(() => expect(f.of('Links.Outbox')).toHaveLength(1));
    await act(async () => {}); // the failure has been handled
    expect(screen.queryByTestId('pending-changes-button')).toBeNull();
    expect(screen.getByTestId('syncbar').textContent).toContain('Sync now');
  });
});

describe('serverEntries', () => {
  test('drops annotations, prefers formatted values, names lookups by their column', () => {
    expect(serverEntries({ '@odata.etag': 'x', _ownerid_value: 'u1', '_ownerid_value@OData.Community.Display.V1.FormattedValue': 'Ana', n: 3, o: { a: 1 }, z: null })).toEqual([
      { key: 'ownerid', value: 'Ana' },
      { key: 'n', value: '3' },
      { key: 'o', value: '{"a":1}' },
    ]);
  });
});
