import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError, setTransport, type Message, type Transport } from '../api';
import { MessageItem } from '../display/messages';
import { ConversationsView, merge } from './ConversationsView';
import { conversationHash, routeFromHash } from '../display/routes';

afterEach(() => {
  cleanup();
  setTransport(null);
});

describe('routes', () => {
  test('#/conversations/<conv>/<msg> names a conversation and a message', () => {
    const chat = '19:abc@thread.v2';
    const hash = conversationHash(chat, '1700000000000');
    expect(hash).toBe('#/conversations/19%3Aabc%40thread.v2/1700000000000');
    expect(routeFromHash(hash)).toEqual({ section: 'conversations', params: [chat, '1700000000000'] });
    expect(routeFromHash('#/search')).toEqual({ section: 'search', params: [] });
    expect(routeFromHash('#/nowhere/x')).toEqual({ section: 'conversations', params: [] });
  });
});

// Chat "c2" holds m0 (oldest) … m249 (newest), served 100 at a time.
function chatMessages(): Message[] {
  return Array.from({ length: 250 }, (_, i) => msg(i));
}

function msg(i: number): Message {
  return {
    id: `m${i}`, type: 'message', importance: 'normal', from: 'Li Wei', html: `<p>text ${i}</p>`,
    created: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
  };
}

// all is the chat's messages, oldest first; a test may add to it (a sync).
function fakeConversations(pages: string[], all: Message[] = chatMessages()) {
  const t: Transport = {
    kind: 'http',
    async call(service, method, args) {
      switch (`${service}.${method}`) {
        case 'Conversations.Teams':
          return [{ id: 't1', name: 'Contoso', channels: [{ id: 'ch1', teamId: 't1', name: 'General', membershipType: 'standard' }] }];
        case 'Conversations.Chats':
          return [
            { id: 'c1', name: 'Alice', chatType: 'oneOnOne', lastActivity: '2026-03-01T00:00:00Z' },
            { id: 'c2', name: 'Invoices with Li Wei', chatType: 'group', lastActivity: '2026-03-01T00:00:00Z' },
          ];
        case 'Conversations.Messages': {
          const [conv, before, limit] = args as [string, string, number];
          pages.push(`${conv}:${before}`);
          const older = all.filter((m) => !before || m.created < before).reverse(); // newest first
          const page = older.slice(0, limit);
          return { messages: page, before: page.length === limit ? page[page.length - 1]!.created : '' };
        }
        case 'Conversations.Members':
        case 'Links.ForChat':
          return [];
      }
      throw new AppError('not_found_method', method);
    },
    on: () => () => {},
  };
  return t;
}

describe('ConversationsView with a target', () => {
  test('selects the linked chat and loads older pages until the message is in, then marks it', async () => {
    const pages: string[] = [];
    setTransport(fakeConversations(pages));
    render(<ConversationsView version={0} target={{ conv: 'c2', msg: 'm120' }} />);
    await waitFor(() => expect(screen.getByTestId('thread-title').textContent).toBe('Invoices with Li Wei'));
    const target = await screen.findByText('text 120');
    const item = target.closest('[data-testid="message"]') as HTMLElement;
    expect(item.getAttribute('aria-current')).toBe('true');
    expect(item.className).toContain('target');
    expect(pages).toHaveLength(2); // m249…m150, then m149…m50: stops once m120 is in
    expect(document.querySelectorAll('[aria-current="true"]')).toHaveLength(1);
  }, 30_000);

  test('without a target nothing is selected and one page is loaded per pick', async () => {
    const pages: string[] = [];
    setTransport(fakeConversations(pages));
    render(<ConversationsView version={0} />);
    await screen.findAllByTestId('chat');
    expect(screen.queryByTestId('thread-title')).toBeNull();
    expect(pages).toEqual([]);
  });
});

describe('a sync while reading', () => {
  test('keeps loaded older pages and the open dialog, merges new messages below and says so', async () => {
    const pages: string[] = [];
    const all = chatMessages();
    setTransport(fakeConversations(pages, all));
    const view = render(<ConversationsView version={0} target={{ conv: 'c2' }} />);
    await screen.findByText('text 249', undefined, { timeout: 20_000 });
    fireEvent.click(screen.getByText('Load older messages'));
    await screen.findByText('text 149', undefined, { timeout: 20_000 });
    expect(screen.getAllByTestId('message')).toHaveLength(200);
    // The reader scrolled up (jsdom has no layout: its sizes are given).
    const pane = screen.getByTestId('messages');
    Object.defineProperty(pane, 'scrollHeight', { value: 5000 });
    Object.defineProperty(pane, 'clientHeight', { value: 500 });
    pane.scrollTop = 1000;
    fireEvent.scroll(pane);
    fireEvent.click(screen.getAllByTestId('link-post')[10]!);
    expect(document.querySelector('[role="dialog"]')).toBeTruthy();
    all.push(msg(250), msg(251));
    all[249] = { ...all[249]!, html: '<p>text 249 (edited)</p>', edited: '2026-03-02T00:00:00Z' };
    pages.length = 0;
    view.rerender(<ConversationsView version={1} target={{ conv: 'c2' }} />);
    await screen.findByText('text 251', undefined, { timeout: 20_000 });
    expect(pages).toEqual(['c2:']); // one newest page, merged: no reload
    expect(screen.getAllByTestId('message')).toHaveLength(202);
    expect(screen.getByText('text 149')).toBeTruthy(); // older pages stay
    expect(screen.getByText('text 249 (edited)')).toBeTruthy();
    expect(screen.getByTestId('new-below').textContent).toBe('New messages (2) ↓');
    expect(document.querySelector('[role="dialog"]')).toBeTruthy();
  }, 60_000);

  test('merge: replaced in place, added below in order, null when nothing changed', () => {
    const loaded = [msg(1), msg(2), msg(3)];
    expect(merge(loaded, [msg(3), msg(2)])).toBeNull();
    const edited = { ...msg(2), html: '<p>changed</p>' };
    const got = merge(loaded, [msg(5), msg(4), msg(3), edited]);
    expect(got!.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(got!.messages[1]).toBe(edited);
    expect(got!.count).toBe(2);
  });
});

describe('MessageItem with a card', () => {
  // The HTML Go renders for a Dynamics 365 case card (sync/render Card).
  const card: Message = {
    id: 'c1', type: 'message', importance: 'normal', from: 'Dynamics 365', created: '2026-03-01T09:00:00Z',
    html: '<div class="teams-card"><p>Dynamics 365 · 案例已创建</p><p><strong>华东精密 设备报警无法消除</strong></p>' +
      '<table class="teams-card-facts"><tbody><tr><th>案例编号</th><td>CAS-01037-A1B2C3</td></tr><tr><th>优先级</th><td>高</td></tr></tbody></table>' +
      '<p class="teams-card-actions"><a href="https://lumen.crm5.dynamics.com/main.aspx?id=1" rel="nofollow noreferrer noopener" target="_blank">在 Dynamics 365 中打开</a> <span>解决</span></p></div>',
    attachments: [{ id: 'f1', contentType: 'reference', name: 'report.xlsx' }],
  };

  test('shows its text, facts and actions; an action that is not a link is only a label', () => {
    render(<MessageItem m={card} />);
    const item = screen.getByTestId('message');
    expect(screen.getByText('Dynamics 365', { selector: 'strong.from' })).toBeTruthy();
    expect(screen.getByText('华东精密 设备报警无法消除')).toBeTruthy();
    const fact = screen.getByText('案例编号').closest('tr') as HTMLElement;
    expect(fact.textContent).toBe('案例编号CAS-01037-A1B2C3');
    expect(item.querySelector('.teams-card-facts')).toBeTruthy();
    const open = screen.getByRole('link', { name: '在 Dynamics 365 中打开' });
    expect(open.getAttribute('target')).toBe('_blank');
    const label = screen.getByText('解决');
    expect(label.tagName).toBe('SPAN');
    expect(label.closest('a, button')).toBeNull();
    expect(item.querySelectorAll('img, script, [style]')).toHaveLength(0);
    expect(screen.getByText(/report\.xlsx/)).toBeTruthy(); // files stay listed
  });
});
