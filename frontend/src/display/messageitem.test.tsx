import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { initials, MessageItem } from './messages';
import type { Message } from '../api';

afterEach(cleanup);

const base: Message = { id: '1', type: 'message', created: '2026-03-01T09:00:00Z', importance: 'normal', from: 'Chloé Perrin', html: '<p>Bonjour</p>' };

describe('initials', () => {
  test.each([
    ['Chloé Perrin', 'CP'],
    ['赵浩然', '赵'],
    ['Li', 'L'],
    ['  ', '?'],
    ['émile zola', 'ÉZ'],
  ])('%s → %s', (name, want) => expect(initials(name)).toBe(want));
});

describe('MessageItem', () => {
  test('the user’s own message is marked; others are not', () => {
    const { rerender } = render(<MessageItem m={{ ...base, mine: true }} />);
    expect(screen.getByTestId('message').dataset.mine).toBe('true');
    expect(screen.getByTestId('message').textContent).toContain('You');
    rerender(<MessageItem m={base} />);
    expect(screen.getByTestId('message').dataset.mine).toBeUndefined();
  });

  test('reactions say who, and how many more Rapport cannot name', () => {
    render(<MessageItem m={{ ...base, reactions: { like: 3, heart: 1 }, reactedBy: { like: ['许强', 'Ana Lopez'], heart: ['赵浩然'] } }} />);
    const [like, heart] = screen.getAllByTestId('reaction');
    expect(like!.getAttribute('aria-label')).toBe('👍 许强, Ana Lopez, 1 more');
    expect(heart!.getAttribute('aria-label')).toBe('❤️ 赵浩然');
    expect(like!.textContent).toBe('👍 3');
  });

  test('Open in Teams and attachments open their https links only', () => {
    render(
      <MessageItem
        m={{
          ...base,
          teamsUrl: 'https://teams.microsoft.com/l/message/c/1?context=x',
          attachments: [
            { id: 'a', contentType: 'reference', name: 'report.xlsx', url: 'https://contoso.sharepoint.com/report.xlsx' },
            { id: 'b', contentType: 'reference', name: 'odd.txt', url: 'javascript:alert(1)' },
          ],
        }}
      />,
    );
    expect(screen.getByTestId('open-in-teams').getAttribute('href')).toBe('https://teams.microsoft.com/l/message/c/1?context=x');
    const links = screen.getAllByTestId('attachment-link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://contoso.sharepoint.com/report.xlsx']);
    expect(screen.getAllByTestId('attachment')[1]!.textContent).toContain('odd.txt');
  });

  test('an inline image enlarges; Escape closes it', () => {
    render(<MessageItem m={{ ...base, html: '<p><img src="/hosted/t/m" alt="schéma"></p>' }} />);
    fireEvent.click(screen.getByAltText('schéma'));
    const box = screen.getByTestId('lightbox');
    expect(box.getAttribute('role')).toBe('dialog');
    expect(document.activeElement).toBe(screen.getByTestId('lightbox-close'));
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(screen.queryByTestId('lightbox')).toBeNull();
  });
});
