import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError, setTransport, type Message, type Transport } from '../api';
import { ConversationsView } from './ConversationsView';
import { conversationHash, routeFromHash } from './sections';

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
function fakeConversations(pages: string[]) {
  const all: Message[] = Array.from({ length: 250 }, (_, i) => ({
    id: `m${i}`, type: 'message', importance: 'normal', from: 'Li Wei', html: `<p>text ${i}</p>`,
    created: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
  }));
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
  });

  test('without a target nothing is selected and one page is loaded per pick', async () => {
    const pages: string[] = [];
    setTransport(fakeConversations(pages));
    render(<ConversationsView version={0} />);
    await screen.findAllByTestId('chat');
    expect(screen.queryByTestId('thread-title')).toBeNull();
    expect(pages).toEqual([]);
  });
});
