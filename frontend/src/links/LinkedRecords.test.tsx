import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppError, setTransport } from '../api';
import { ConversationsView } from '../sections/ConversationsView';
import { LinksProvider } from './LinksContext';
import { LinkedRecords } from './LinkedRecords';
import { I18nContext, translator } from '../i18n';
import { findDelayMs } from './LinkDialog';
import { PendingHost } from './PendingChanges';
import { card, fakeLinks, linkView, notice, type FakeLinksOptions } from '../testing/fakeLinks';

// Generous limits: these run next to Go builds on a small machine.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

afterEach(() => {
  cleanup();
  setTransport(null);
  vi.useRealTimers();
});

const printer = card('incidents', 'i1', 'Printer down', [['ticketnumber', 'CAS-01001-A1B2C3'], ['prioritycode', 1], ['statecode', 0]], {
  url: 'https://contoso.crm.dynamics.com/main.aspx?pagetype=entityrecord&etn=incident&id=i1',
});
const contoso = card('accounts', 'a1', 'Contoso Ltd', [['accountnumber', 'ACC-7'], ['address1_city', 'Shanghai']]);
const liWei = card('contacts', 'p1', 'Li Wei', [['emailaddress1', 'li.wei@contoso.com']]);
const renewal = card('opportunities', 'o1', 'Renewal 2026', [['stepname', 'Propose']]);
const faq = card('knowledgearticles', 'k1', 'Invoice FAQ', [['articlepublicnumber', 'KA-42']]);
const fabrikam = card('accounts', 'a2', 'Fabrikam', [['accountnumber', 'ACC-9'], ['emailaddress1', 'billing@fabrikam.cn']]);

function renderStrip(opts: FakeLinksOptions) {
  const f = fakeLinks(opts);
  setTransport(f.t);
  render(
    <LinksProvider>
      <LinkedRecords chatId="c1" chatName="Invoices with Li Wei" />
      <PendingHost />
    </LinksProvider>,
  );
  return f;
}

const cards = () => screen.queryAllByTestId('record-card');
const cardOf = (id: string) => cards().find((c) => c.dataset.id === id)!;

describe('linked records strip', () => {
  test('a card per link: title, fields, a badge unless synced, Open in Dynamics when there is a URL', async () => {
    renderStrip({
      links: {
        c1: [
          linkView('c1', printer, { by: 'Ana Lopez', at: '2026-03-01T08:00:00Z' }),
          linkView('c1', contoso, { sync: 'pending', opSeq: 3 }),
          linkView('c1', liWei, { sync: 'failed', error: 'HTTP 500 from Dataverse', opSeq: 4 }),
          linkView('c1', renewal, { sync: 'conflict', error: 'the record no longer exists in Dynamics 365 (deleted upstream)', opSeq: 5, record: { ...renewal, deleted: true } }),
          linkView('c1', faq, { linked: false, sync: 'pending', opSeq: 6 }),
        ],
      },
    });
    await waitFor(() => expect(cards()).toHaveLength(5));
    expect(cards().map((c) => `${c.dataset.set}/${c.dataset.id}`)).toEqual(['incidents/i1', 'accounts/a1', 'contacts/p1', 'opportunities/o1', 'knowledgearticles/k1']);
    expect(screen.getByTestId('linked-records').querySelector('h3')!.textContent).toBe('Linked records (5)');

    const synced = cardOf('i1');
    expect(synced.textContent).toContain('Printer down');
    expect([...synced.querySelectorAll('dt')].map((d) => d.textContent)).toEqual(['Case number', 'Priority', 'Status']);
    expect([...synced.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(['CAS-01001-A1B2C3', 'High', 'Active']);
    expect(synced.querySelector('.kind-badge')!.textContent).toBe('Case');
    expect(synced.textContent).toContain('Linked by Ana Lopez');
    expect(within(synced).queryByTestId('link-sync')).toBeNull();
    expect(within(synced).getByTestId('open-in-dynamics').getAttribute('href')).toBe(printer.url);
    expect(within(cardOf('a1')).queryByTestId('open-in-dynamics')).toBeNull();

    const badge = (id: string) => within(cardOf(id)).getByTestId('link-sync');
    expect([badge('a1').dataset.sync, badge('a1').textContent]).toEqual(['pending', 'Waiting to sync']);
    expect([badge('p1').dataset.sync, badge('p1').textContent]).toEqual(['failed', 'Not sent']);
    expect(within(cardOf('p1')).getByTestId('link-error').textContent).toBe('HTTP 500 from Dataverse');
    expect([badge('o1').dataset.sync, badge('o1').textContent]).toEqual(['conflict', 'Conflict']);
    expect(cardOf('o1').textContent).toContain('deleted in Dynamics 365');
    // A queued unlink: still shown, marked, and not unlinkable twice.
    expect(badge('k1').textContent).toBe('Unlink waiting to sync');
    expect(cardOf('k1').dataset.linked).toBe('false');
    expect(within(cardOf('k1')).queryByTestId('unlink')).toBeNull();
  });

  test("a key-field change of the record since the link shows as a notice; none without", async () => {
    renderStrip({
      links: {
        c1: [
          linkView('c1', printer, { notices: [notice('incidents', 'prioritycode', 1, 3, '2026-03-02T08:00:00Z')] }),
          linkView('c1', contoso),
        ],
      },
    });
    await waitFor(() => expect(cards()).toHaveLength(2));
    const items = within(cardOf('i1')).getAllByTestId('link-notice');
    expect(items.map((i) => i.textContent?.split(' 2026')[0]?.split(' Mar')[0]?.trim())).toEqual(['Priority changed: High → Low']);
    expect(within(cardOf('a1')).queryByTestId('link-notices')).toBeNull();
  });

  test('cards and notices name fields and values as Dynamics does, in the UI language; what Go sends without a key stays as sent', async () => {
    const odd = card('incidents', 'i9', 'Odd case', [['ticketnumber', 'CAS-9'], ['prioritycode', 9], ['caseorigincode', 'Phone']]);
    const links = {
      c1: [
        linkView('c1', printer, { notices: [notice('incidents', 'prioritycode', 1, 3, '2026-03-02T08:00:00Z'), notice('incidents', 'statecode', 0, 1, '2026-03-03T08:00:00Z')] }),
        linkView('c1', odd),
      ],
    };
    for (const [locale, dts, dds, notes, oddDts, oddDds] of [
      ['zh-CN', ['案例编号', '优先级', '状态'], ['CAS-01001-A1B2C3', '高', '活动'], ['优先级已变更：高 → 低', '状态已变更：活动 → 已解决'], ['案例编号', '优先级', 'caseorigincode'], ['CAS-9', '9', 'Phone']],
      ['fr', ['Numéro de l’incident', 'Priorité', 'Statut'], ['CAS-01001-A1B2C3', 'Élevée', 'Actif'], ['Priorité a changé\u202f: Élevée → Faible', 'Statut a changé\u202f: Actif → Résolu'], ['Numéro de l’incident', 'Priorité', 'caseorigincode'], ['CAS-9', '9', 'Phone']],
    ] as const) {
      setTransport(fakeLinks({ links }).t);
      render(
        <I18nContext.Provider value={{ locale, t: translator(locale) }}>
          <LinkedRecords chatId="c1" chatName="Invoices" />
        </I18nContext.Provider>,
      );
      await waitFor(() => expect(cards()).toHaveLength(2));
      const c = cardOf('i1');
      expect([...c.querySelectorAll('dt')].map((d) => d.textContent)).toEqual(dts);
      expect([...c.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(dds);
      expect(within(c).getAllByTestId('link-notice').map((n) => n.textContent))
        .toEqual(notes.map((n) => expect.stringContaining(n)));
      expect([...cardOf('i9').querySelectorAll('dt')].map((d) => d.textContent)).toEqual(oddDts);
      expect([...cardOf('i9').querySelectorAll('dd')].map((d) => d.textContent)).toEqual(oddDds);
      cleanup();
    }
  });

  test('notices: Post to chat queues them up to the newest shown and clears them; Dismiss clears without posting', async () => {
    const notices = [
      notice('incidents', 'prioritycode', 1, 3, '2026-03-02T08:00:00Z'),
      notice('incidents', 'statuscode', 1, 2, '2026-03-03T08:00:00Z'),
    ];
    const f = renderStrip({ links: { c1: [linkView('c1', printer, { notices }), linkView('c1', contoso, { notices: notices.slice(0, 1) })] } });
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(within(cardOf('i1')).getAllByTestId('link-notice')).toHaveLength(2);
    fireEvent.click(within(cardOf('i1')).getByTestId('notice-post'));
    await waitFor(() => expect(within(cardOf('i1')).queryByTestId('link-notices')).toBeNull());
    expect(f.of('Links.PostNotices')).toEqual([['c1', 'incidents', 'i1', '2026-03-03T08:00:00Z']]);
    expect(f.state.outbox[0]!.kind).toBe('notice');

    fireEvent.click(within(cardOf('a1')).getByTestId('notice-dismiss'));
    await waitFor(() => expect(within(cardOf('a1')).queryByTestId('link-notices')).toBeNull());
    expect(f.of('Links.DismissNotices')).toEqual([['c1', 'accounts', 'a1', '2026-03-02T08:00:00Z']]);
    expect(f.state.outbox).toHaveLength(1); // dismissing posts nothing
  });

  test('a refused post shows why and keeps the notices', async () => {
    renderStrip({
      links: { c1: [linkView('c1', printer, { notices: [notice('incidents', 'prioritycode', 1, 3, '2026-03-02T08:00:00Z')] })] },
      fail: { 'Links.PostNotices': new AppError('store_unavailable', 'store unavailable') },
    });
    await waitFor(() => expect(cards()).toHaveLength(1));
    fireEvent.click(within(cardOf('i1')).getByTestId('notice-post'));
    expect((await within(cardOf('i1')).findByTestId('notice-error')).textContent).toContain('store unavailable');
    expect(within(cardOf('i1')).getAllByTestId('link-notice')).toHaveLength(1);
  });

  test('an empty chat says so', async () => {
    renderStrip({ links: {} });
    expect((await screen.findByText('No Dynamics 365 record is linked to this chat yet.')).closest('[data-testid="linked-records"]')).not.toBeNull();
  });

  test('Unlink is disabled with its reason when not allowed; an allowed unlink is queued and the card says so', async () => {
    const reason = "Only the record's owner, a system administrator or customizer can unlink this chat.";
    const f = renderStrip({ links: { c1: [linkView('c1', printer, { canUnlink: false, unlinkReason: reason }), linkView('c1', contoso)] } });
    await waitFor(() => expect(cards()).toHaveLength(2));
    const locked = within(cardOf('i1')).getByTestId('unlink') as HTMLButtonElement;
    expect(locked.disabled).toBe(true);
    expect(locked.title).toBe(reason);
    const shown = within(cardOf('i1')).getByTestId('unlink-reason');
    expect(shown.textContent).toBe(reason);
    expect(locked.getAttribute('aria-describedby')).toBe(shown.id);

    const free = within(cardOf('a1')).getByTestId('unlink') as HTMLButtonElement;
    expect(free.disabled).toBe(false);
    expect(within(cardOf('a1')).queryByTestId('unlink-reason')).toBeNull();
    fireEvent.click(free);
    await waitFor(() => expect(within(cardOf('a1')).queryByTestId('link-sync')?.textContent).toBe('Unlink waiting to sync'));
    expect(f.of('Links.Unlink')).toEqual([['c1', 'accounts', 'a1']]);
    expect(f.of('Links.ForChat')).toHaveLength(2);
    expect(within(cardOf('a1')).queryByTestId('unlink')).toBeNull();
  });

  test("the reason comes from Go's code in the user's language, else Go's English text", async () => {
    const english = "Only the record's owner, the person who linked the chat, a system administrator or customizer can unlink this chat.";
    const links = {
      c1: [
        linkView('c1', printer, { canUnlink: false, unlinkCode: 'owner-or-linker', unlinkReason: english }),
        linkView('c1', contoso, { canUnlink: false, unlinkCode: 'owner' }),
        linkView('c1', liWei, { canUnlink: false, unlinkCode: 'linker' }),
        linkView('c1', renewal, { canUnlink: false, unlinkCode: 'privileged' }),
        linkView('c1', faq, { canUnlink: false, unlinkReason: english }), // an older Go: no code
        linkView('c1', fabrikam, { canUnlink: false }),
      ],
    };
    const reasons = () => cards().map((c) => within(c).getByTestId('unlink-reason').textContent);
    renderStrip({ links });
    await waitFor(() => expect(cards()).toHaveLength(6));
    expect(reasons()).toEqual([
      "Only the record's owner or the person who linked this chat — or a system administrator — can unlink it.",
      "Only the record's owner — or a system administrator — can unlink it.",
      'Only the person who linked this chat — or a system administrator — can unlink it.',
      'Only a system administrator or system customizer can unlink it.',
      english,
      'You cannot unlink this record.',
    ]);
    expect((within(cardOf('i1')).getByTestId('unlink') as HTMLButtonElement).title).toBe(reasons()[0]);
    cleanup();

    for (const [locale, first] of [
      ['zh-CN', '只有记录负责人或关联此聊天的人（或系统管理员）可以取消此关联。'],
      ['fr', 'Seuls le propriétaire de l’enregistrement ou la personne qui a lié cette discussion — ou un administrateur système — peuvent la délier.'],
    ] as const) {
      setTransport(fakeLinks({ links }).t);
      render(
        <I18nContext.Provider value={{ locale, t: translator(locale) }}>
          <LinkedRecords chatId="c1" chatName="Invoices" />
        </I18nContext.Provider>,
      );
      await waitFor(() => expect(cards()).toHaveLength(6));
      expect(reasons()[0]).toBe(first);
      expect(reasons()[4]).toBe(english); // no code: Go's words, untranslated
      cleanup();
    }
  });

  test('an unlink Go refuses shows its message on the card', async () => {
    renderStrip({
      links: { c1: [linkView('c1', printer)] },
      fail: { 'Links.Unlink': new AppError('permission_denied', 'Only the person who linked the chat can unlink it.') },
    });
    fireEvent.click(await screen.findByTestId('unlink'));
    expect((await screen.findByTestId('unlink-error')).textContent).toBe('Only the person who linked the chat can unlink it.');
    expect(within(cardOf('i1')).queryByTestId('link-sync')).toBeNull();
  });

  test('Open in Dynamics hands the address to the system browser in the window', async () => {
    const f = fakeLinks({ kind: 'wails', links: { c1: [linkView('c1', printer)] } });
    setTransport(f.t);
    render(<LinkedRecords chatId="c1" chatName="Invoices" />);
    const open = await screen.findByTestId('open-in-dynamics');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    open.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    await waitFor(() => expect(f.of('System.OpenURL')).toEqual([[printer.url]]));
  });

  test('a failed or conflicting card offers Review, which opens Pending changes', async () => {
    renderStrip({ links: { c1: [linkView('c1', liWei, { sync: 'failed', error: 'boom', opSeq: 4 })] } });
    expect(screen.queryByTestId('pending-changes')).toBeNull();
    fireEvent.click(await screen.findByTestId('link-review'));
    expect(await screen.findByTestId('pending-changes')).toBeTruthy();
  });

  test('outbox:pushed refreshes the strip', async () => {
    const f = renderStrip({ links: { c1: [linkView('c1', contoso, { sync: 'pending', opSeq: 3 })] } });
    await waitFor(() => expect(within(cardOf('a1')).getByTestId('link-sync').dataset.sync).toBe('pending'));
    f.state.links.c1 = [linkView('c1', contoso)];
    f.emit('outbox:pushed', { done: 1, failed: 0, conflicts: 0, waiting: 0 });
    await waitFor(() => expect(within(cardOf('a1')).queryByTestId('link-sync')).toBeNull());
    expect(f.of('Links.ForChat')).toEqual([['c1'], ['c1']]);
  });
});

describe('link dialog', () => {
  const opts = (): FakeLinksOptions => ({
    links: { c1: [linkView('c1', printer)] },
    records: [printer, contoso, liWei, fabrikam],
    suggestions: [
      { card: liWei, why: 'contact' },
      { card: fabrikam, why: 'domain' },
      { card: printer, why: 'case-number' },
    ],
  });

  test('suggestions first with why, then search results; picking one links it, closes and shows it pending', async () => {
    const f = renderStrip(opts());
    await waitFor(() => expect(cards()).toHaveLength(1));
    const opener = screen.getByTestId('link-record');
    fireEvent.click(opener);
    const dialog = screen.getByTestId('link-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.textContent).toContain('Link a record to “Invoices with Li Wei”');
    expect(document.activeElement).toBe(screen.getByTestId('record-search'));

    await waitFor(() => expect(screen.getAllByTestId('suggestion')).toHaveLength(3));
    expect(f.of('Links.Suggest')).toEqual([['c1']]);
    const sugs = screen.getAllByTestId('suggestion') as HTMLButtonElement[];
    expect(sugs.map((s) => s.dataset.id)).toEqual(['p1', 'a2', 'i1']);
    expect(sugs.map((s) => within(s).getByTestId('suggestion-why').textContent)).toEqual([
      'A contact in this chat', 'Same e-mail domain', 'Case number mentioned',
    ]);
    // The case is linked already: shown, but not offered again.
    expect(sugs.map((s) => s.disabled)).toEqual([false, false, true]);
    expect(sugs[2]!.textContent).toContain('Already linked');
    expect(screen.queryByTestId('record-result')).toBeNull();

    fireEvent.change(screen.getByTestId('record-search'), { target: { value: 'acc-' } });
    await waitFor(() => expect(screen.getAllByTestId('record-result')).toHaveLength(2));
    expect(f.of('Links.Find')).toEqual([['acc-']]);
    expect(screen.queryByTestId('suggestion')).toBeNull();
    const results = screen.getAllByTestId('record-result');
    expect(results.map((r) => r.dataset.id)).toEqual(['a1', 'a2']);
    expect(results[1]!.textContent).toContain('ACC-9 · billing@fabrikam.cn');

    fireEvent.click(results[1]!);
    await waitFor(() => expect(screen.queryByTestId('link-dialog')).toBeNull());
    expect(f.of('Links.Link')).toEqual([['c1', 'accounts', 'a2']]);
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(within(cardOf('a2')).getByTestId('link-sync').dataset.sync).toBe('pending');
    expect(document.activeElement).toBe(opener);
  });

  test('the search waits for a pause in typing and asks once', async () => {
    vi.useFakeTimers();
    const f = renderStrip(opts());
    await act(async () => {});
    fireEvent.click(screen.getByTestId('link-record'));
    await act(async () => {});
    for (const v of ['l', 'li', 'li ', 'li w']) {
      fireEvent.change(screen.getByTestId('record-search'), { target: { value: v } });
      act(() => vi.advanceTimersByTime(findDelayMs / 2));
    }
    act(() => vi.advanceTimersByTime(findDelayMs / 2 - 1));
    expect(f.of('Links.Find')).toEqual([]);
    act(() => vi.advanceTimersByTime(1));
    expect(f.of('Links.Find')).toEqual([['li w']]);
    await act(async () => {});
    expect(screen.getAllByTestId('record-result').map((r) => r.dataset.id)).toEqual(['p1']);
  });

  test('no search while a pinyin composition is under way; one when it ends', async () => {
    vi.useFakeTimers();
    const f = renderStrip(opts());
    await act(async () => {});
    fireEvent.click(screen.getByTestId('link-record'));
    await act(async () => {});
    const box = screen.getByTestId('record-search');
    fireEvent.compositionStart(box);
    for (const v of ['l', 'li', "li'w", "li'wei"]) {
      fireEvent.change(box, { target: { value: v } });
      act(() => vi.advanceTimersByTime(findDelayMs * 2));
    }
    expect(f.of('Links.Find')).toEqual([]);
    fireEvent.change(box, { target: { value: '李伟' } });
    fireEvent.compositionEnd(box);
    act(() => vi.advanceTimersByTime(findDelayMs));
    expect(f.of('Links.Find')).toEqual([['李伟']]);
  });

  test('nothing found says so; a failed link is shown and the dialog stays; Escape closes', async () => {
    const f = renderStrip({ ...opts(), fail: { 'Links.Link': new AppError('not_found', 'record a1 is not in the local store') } });
    fireEvent.click(screen.getByTestId('link-record'));
    fireEvent.change(screen.getByTestId('record-search'), { target: { value: 'zzz' } });
    expect((await screen.findByTestId('record-no-results')).textContent).toBe('No record matches “zzz”.');
    fireEvent.change(screen.getByTestId('record-search'), { target: { value: 'contoso' } });
    fireEvent.click((await screen.findAllByTestId('record-result'))[0]!);
    expect((await screen.findByTestId('link-dialog-error')).textContent).toContain('record a1 is not in the local store');
    expect(screen.getByTestId('link-dialog')).toBeTruthy();
    expect(f.of('Links.Link')).toHaveLength(1);
    fireEvent.keyDown(screen.getByTestId('record-search'), { key: 'Escape' });
    expect(screen.queryByTestId('link-dialog')).toBeNull();
  });
});

describe('in ConversationsView', () => {
  test('a chat shows its linked records; a channel does not', async () => {
    const f = fakeLinks({ links: { c1: [linkView('c1', printer)] } });
    setTransport(f.t);
    render(<ConversationsView version={0} />);
    fireEvent.click(await screen.findByTestId('chat'));
    const strip = await screen.findByTestId('linked-records');
    await waitFor(() => expect(within(strip).getAllByTestId('record-card')).toHaveLength(1));
    expect(f.of('Links.ForChat')).toEqual([['c1']]);
    fireEvent.click(screen.getByTestId('channel'));
    await waitFor(() => expect(screen.getByTestId('thread-title').textContent).toBe('Contoso / General'));
    expect(screen.queryByTestId('linked-records')).toBeNull();
    expect(f.of('Links.ForChat')).toHaveLength(1);
  });

  test('in a channel, a thread and a reply link to records in Rapport: chips with Unlink, nothing queued', async () => {
    const msg = (id: string, from: string, replyTo?: string) => ({
      id, type: 'message', created: `2026-03-0${id.length}T09:00:00Z`, importance: 'normal', from, html: `<p>${id}</p>`, ...(replyTo ? { replyTo } : {}),
    });
    const f = fakeLinks({
      records: [printer, contoso],
      messages: { ch1: [msg('101', 'Li Wei', '100'), msg('100', 'Ana Lopez')] },
      links: { 'message/ch1/101': [linkView('message/ch1/101', contoso, { sync: 'local' })] },
    });
    setTransport(f.t);
    render(
      <LinksProvider>
        <ConversationsView version={0} />
      </LinksProvider>,
    );
    fireEvent.click(await screen.findByTestId('channel'));
    // The reply is folded under its root, as in Teams, until opened.
    const fold = await screen.findByTestId('replies-toggle');
    expect(fold.textContent).toBe('1 reply from Li Wei');
    expect(fold.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getAllByTestId('post-links')).toHaveLength(1);
    fireEvent.click(fold);
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    await waitFor(() => expect(screen.getAllByTestId('post-links')).toHaveLength(2));
    const [root, reply] = screen.getAllByTestId('post-links');
    expect(root!.dataset.target).toBe('thread/ch1/100');
    expect(within(root!).getByTestId('link-post').textContent).toBe('Link thread…');
    expect(reply!.dataset.target).toBe('message/ch1/101');
    expect(within(reply!).getByTestId('link-post').textContent).toBe('Link message…');
    await waitFor(() => expect(within(reply!).getAllByTestId('post-link')).toHaveLength(1));
    expect(f.of('Links.ForConversation')[0]).toEqual(['ch1']);

    // Link the thread to a case from the dialog.
    fireEvent.click(within(root!).getByTestId('link-post'));
    const dialog = await screen.findByTestId('link-dialog');
    expect(dialog.textContent).toContain('the thread Ana Lopez started');
    fireEvent.change(within(dialog).getByTestId('record-search'), { target: { value: 'Printer' } });
    fireEvent.click(await within(dialog).findByTestId('record-result'));
    await waitFor(() => expect(within(screen.getAllByTestId('post-links')[0]!).queryAllByTestId('post-link')).toHaveLength(1));
    expect(f.of('Links.Link')).toEqual([['thread/ch1/100', 'incidents', 'i1']]);
    expect(f.state.outbox).toEqual([]); // kept in Rapport: nothing for Dynamics

    // Unlink the reply's record.
    fireEvent.click(within(screen.getAllByTestId('post-links')[1]!).getByTestId('post-unlink'));
    await waitFor(() => expect(within(screen.getAllByTestId('post-links')[1]!).queryAllByTestId('post-link')).toHaveLength(0));
    expect(f.of('Links.Unlink')).toEqual([['message/ch1/101', 'accounts', 'a1']]);
  });
});
