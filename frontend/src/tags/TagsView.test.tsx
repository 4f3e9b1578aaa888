import { cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setTransport } from '../api';
import { I18nContext, translator } from '../i18n';
import { fakeTags, type FakeTagsOptions } from '../testing/fakeTags';
import { TagEditor } from './TagEditor';
import { TagsView } from './TagsView';

configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

const items = { 'message/c1/1': ['paiement', 'urgent'], 'message/c1/2': ['paiement'], c2: ['vip'] };

function renderView(opts: FakeTagsOptions, locale: 'en' | 'zh-CN' | 'fr' = 'en') {
  const f = fakeTags(opts);
  setTransport(f.t);
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <TagsView />
    </I18nContext.Provider>,
  );
  return f;
}

const rows = () => screen.queryAllByTestId('tag-row').map((r) => `${r.dataset.tag}:${within(r).getAllByRole('cell')[1]!.textContent}`);
const row = (tag: string) => screen.getAllByTestId('tag-row').find((r) => r.dataset.tag === tag)!;

describe('Tags list', () => {
  test('tags with their counts; hashtags from messages apart, with #', async () => {
    renderView({ items, hashtags: { 付款: 3, technique: 1 } });
    await waitFor(() => expect(rows()).toEqual(['paiement:2', 'urgent:1', 'vip:1']));
    const hashtags = screen.getByTestId('hashtags');
    expect(within(hashtags).getAllByTestId('tag-chip').map((c) => c.textContent)).toEqual(['#付款', '#technique']);
    expect(within(screen.getByTestId('tags-table')).queryByText('#付款')).toBeNull();
  });

  test('rename says how many items it touches before it runs; undo puts it back', async () => {
    const f = renderView({ items });
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.click(within(row('paiement')).getByRole('button', { name: 'Rename' }));
    fireEvent.change(screen.getByTestId('tag-op-input'), { target: { value: '#payment' } });
    fireEvent.click(within(row('paiement')).getByRole('button', { name: 'Next' }));
    const confirm = await screen.findByTestId('tags-confirm');
    expect(confirm.textContent).toContain('This changes 2 items.');
    expect(f.of('Tags.Rename')).toEqual([['paiement', 'payment', true]]);
    expect(rows()).toContain('paiement:2'); // nothing changed yet
    fireEvent.click(screen.getByTestId('tags-confirm-yes'));
    await waitFor(() => expect(rows()).toEqual(['payment:2', 'urgent:1', 'vip:1']));
    expect(f.of('Tags.Rename')).toEqual([['paiement', 'payment', true], ['paiement', 'payment', false]]);
    const undo = await screen.findByTestId('tags-undo');
    expect(undo.textContent).toContain('Last change: rename, 2 items.');
    fireEvent.click(within(undo).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(rows()).toEqual(['paiement:2', 'urgent:1', 'vip:1']));
    expect(screen.queryByTestId('tags-undo')).toBeNull();
  });

  test('delete shows its count; cancel changes nothing', async () => {
    const f = renderView({ items });
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.click(within(row('urgent')).getByRole('button', { name: 'Delete' }));
    expect((await screen.findByTestId('tags-confirm')).textContent).toContain('This changes 1 item.');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('tags-confirm')).toBeNull();
    expect(f.of('Tags.Delete')).toEqual([['urgent', true]]);
    expect(rows()).toEqual(['paiement:2', 'urgent:1', 'vip:1']);
  });

  test('merge and bulk tagging preview, then apply', async () => {
    const f = renderView({ items, matches: { 'from:li': ['message/c1/1', 'message/c1/3'] } });
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.change(screen.getByTestId('bulk-query'), { target: { value: 'from:li' } });
    fireEvent.change(screen.getByTestId('bulk-tags'), { target: { value: '+suivi -urgent' } });
    fireEvent.submit(screen.getByTestId('bulk-form'));
    expect((await screen.findByTestId('tags-confirm')).textContent).toContain('2 results; this changes 2 messages.');
    fireEvent.click(screen.getByTestId('tags-confirm-yes'));
    await waitFor(() => expect(rows()).toEqual(['paiement:2', 'suivi:2', 'vip:1']));
    expect(f.of('Tags.Bulk')).toEqual([['from:li', ['suivi'], ['urgent'], true], ['from:li', ['suivi'], ['urgent'], false]]);
    fireEvent.click(within(row('suivi')).getByRole('button', { name: 'Merge' }));
    fireEvent.change(screen.getByTestId('tag-op-input'), { target: { value: 'vip' } });
    fireEvent.click(within(row('suivi')).getByRole('button', { name: 'Next' }));
    fireEvent.click(await screen.findByTestId('tags-confirm-yes'));
    await waitFor(() => expect(rows()).toEqual(['paiement:2', 'vip:3']));
  });

  test('a colour is chosen from the list; the chip shows it', async () => {
    const f = renderView({ items });
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.change(within(row('vip')).getByRole('combobox', { name: 'Colour of vip' }), { target: { value: 'red' } });
    await waitFor(() => expect(within(row('vip')).getByTestId('tag-chip').dataset.color).toBe('red'));
    expect(f.of('Tags.Color')).toEqual([['vip', 'red']]);
  });

  test('Chinese and French', async () => {
    renderView({ items }, 'zh-CN');
    expect(await screen.findByRole('heading', { name: '标签' })).toBeTruthy();
    expect(screen.getAllByRole('button', { name: '重命名' })).toHaveLength(3);
    cleanup();
    renderView({ items }, 'fr');
    expect(await screen.findByRole('heading', { name: 'Étiquettes' })).toBeTruthy();
    expect(screen.getAllByRole('button', { name: 'Fusionner' })).toHaveLength(3);
  });
});

describe('tag editor', () => {
  function renderEditor(tags: string[], inherited: string[] = []) {
    const f = fakeTags({ items: { 'message/c1/1': tags } });
    setTransport(f.t);
    const changes: string[][] = [];
    const Editor = () => <TagEditor target="message/c1/1" tags={tags} inherited={inherited} label="this message" onChange={(ts) => changes.push(ts)} />;
    render(<Editor />);
    return { f, changes };
  }

  test('typed and Enter adds ("#" dropped, several at once); × removes; inherited tags cannot be removed here', async () => {
    const { f, changes } = renderEditor(['urgent'], ['contoso']);
    const input = screen.getByRole('textbox', { name: 'Add a tag to this message' });
    input.focus();
    fireEvent.change(input, { target: { value: '#付款 suivi' } });
    fireEvent.submit(input.closest('form')!);
    await waitFor(() => expect(changes).toEqual([['suivi', 'urgent', '付款']]));
    expect(f.of('Tags.Set')).toEqual([['message/c1/1', ['付款', 'suivi'], []]]);
    await waitFor(() => expect((input as HTMLInputElement).value).toBe(''));
    const chips = screen.getAllByTestId('tag-chip');
    expect(chips.map((c) => `${c.className}:${c.dataset.tag}`)).toEqual(['tag-chip own:urgent', 'tag-chip inherited:contoso']);
    expect(within(chips[1]!).queryByRole('button')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove tag urgent' }));
    await waitFor(() => expect(f.of('Tags.Set')).toHaveLength(2));
    expect(f.of('Tags.Set')[1]).toEqual(['message/c1/1', [], ['urgent']]);
  });

  test('a refused tag says why and keeps the text', async () => {
    renderEditor([]);
    const input = screen.getByRole('textbox', { name: 'Add a tag to this message' });
    fireEvent.change(input, { target: { value: 'no!' } });
    fireEvent.submit(input.closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toContain('letters, digits');
    expect((input as HTMLInputElement).value).toBe('no!');
  });
});
