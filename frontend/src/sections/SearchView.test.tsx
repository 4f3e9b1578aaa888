import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { AppError, setTransport, type Facet, type SearchRequest } from '../api';
import { SearchProvider, facetDelayMs } from '../search/SearchContext';
import { SearchBox } from '../search/SearchBox';
import { rowHeight } from '../search/HitList';
import { fakeSearch, messageHit, page } from '../testing/fakeSearch';
import { SearchView } from './SearchView';
import { catalogs } from '../i18n';

// Generous limits: these run next to Go builds on a small machine.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30_000 });

// The list's viewport in these tests: five rows.
const viewport = 5 * rowHeight;
let restoreHeight: (() => unknown) | null = null;

beforeEach(() => {
  window.location.hash = '#/search';
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'search-results' ? viewport : 0;
    },
  });
  // jsdom's own getter (always 0) lives on Element.prototype.
  restoreHeight = () => Reflect.deleteProperty(HTMLElement.prototype, 'clientHeight');
});
afterEach(() => {
  cleanup();
  setTransport(null);
  restoreHeight?.();
  vi.useRealTimers();
});

function renderSearch(onSearchSection = true) {
  return render(
    <SearchProvider>
      <button type="button">elsewhere</button>
      <SearchBox onSearchSection={onSearchSection} />
      <SearchView hasData />
    </SearchProvider>,
  );
}

const box = () => screen.getByTestId('search-box') as HTMLInputElement;
const type = (text: string) => fireEvent.change(box(), { target: { value: text } });
const flush = () => act(async () => {});
const rows = () => screen.queryAllByTestId('hit');

// search types text and waits for the debounced query's answer.
async function search(text: string) {
  type(text);
  await waitFor(() => expect(rows().length).toBeGreaterThan(0));
}

describe('an operator that names nothing', () => {
  test('says so and offers the closest names; one rewrites the operator', async () => {
    vi.useFakeTimers();
    const f = fakeSearch({ manual: true });
    setTransport(f.t);
    renderSearch();
    type('付款 from:perin');
    act(() => vi.advanceTimersByTime(120));
    const [q] = f.of('Search.Query');
    q!.resolve(page(q!.args[0] as SearchRequest, 0, { notes: [{ text: 'from:perin', op: 'from', value: 'perin', suggest: ['Chloé Perrin', 'Jérôme Roux'] }] }));
    await flush();
    expect(screen.getByTestId('unmatched').textContent).toContain('No one and nothing is named “perin” (from:).');
    fireEvent.click(screen.getAllByTestId('unmatched-suggestion')[0]!);
    expect(box().value).toBe('付款 from:"Chloé Perrin"');
  });
});

describe('typing', () => {
  test('is debounced: one query for a burst of keystrokes, 120 ms after the last', async () => {
    vi.useFakeTimers();
    const f = fakeSearch();
    setTransport(f.t);
    renderSearch();
    for (const s of ['i', 'in', 'inv', 'invo']) {
      type(s);
      act(() => vi.advanceTimersByTime(60));
    }
    act(() => vi.advanceTimersByTime(59));
    expect(f.queries()).toEqual([]);
    act(() => vi.advanceTimersByTime(1));
    expect(f.queries()).toEqual([{ q: 'invo', sort: 'relevance', offset: 0, size: 50, facets: false }]);
    await flush();
    expect(screen.getByTestId('search-count').textContent).toBe('120 results · 8 ms');
    // Facets follow once typing pauses, in a separate, small request.
    act(() => vi.advanceTimersByTime(facetDelayMs - 1));
    expect(f.queries()).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(f.queries().at(-1)).toEqual({ q: 'invo', sort: 'relevance', offset: 0, size: 1, facets: true });
  });

  test('a slow answer to an older query never replaces a newer one', async () => {
    vi.useFakeTimers();
    const f = fakeSearch({ manual: true });
    setTransport(f.t);
    renderSearch();
    type('alpha');
    act(() => vi.advanceTimersByTime(120));
    type('beta');
    act(() => vi.advanceTimersByTime(120));
    const [a, b] = f.of('Search.Query');
    expect([a?.args[0], b?.args[0]].map((r) => (r as SearchRequest).q)).toEqual(['alpha', 'beta']);
    b!.resolve(page(b!.args[0] as SearchRequest, 7));
    await flush();
    a!.resolve(page(a!.args[0] as SearchRequest, 3000));
    await flush();
    expect(screen.getByTestId('search-count').textContent).toBe('7 results · 8 ms');
    expect(rows()[0]!.dataset.id).toBe('hit-beta-0');
  });

  test('Ctrl+K focuses the box from anywhere, typing goes to #/search, Escape clears then blurs', async () => {
    window.location.hash = '#/records';
    setTransport(fakeSearch().t);
    renderSearch(false);
    screen.getByText('elsewhere').focus();
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(box());
    screen.getByText('elsewhere').focus();
    fireEvent.keyDown(window, { key: 'E', ctrlKey: true });
    expect(document.activeElement).toBe(box());
    type('invoice');
    expect(window.location.hash).toBe('#/search');
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect(box().value).toBe('');
    expect(document.activeElement).toBe(box());
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect(document.activeElement).not.toBe(box());
  });
});

describe('results', () => {
  test('hit rows: conversation, sender, badges, snippet marks; text is never HTML', async () => {
    const f = fakeSearch();
    f.t.call = async (_service, method, args) => {
      if (method === 'Query') {
        const req = args[0] as SearchRequest;
        return {
          ...page(req, 2),
          hits: [
            messageHit(0, req.q, {
              message: { id: 'm0', created: '2026-03-04T09:30:00Z', from: 'Li Wei', importance: 'urgent', deleted: '2026-03-05T00:00:00Z' },
              snippet: [{ t: '<img src=x onerror=alert(1)> 请查收' }, { t: '发票', hit: true }],
            }),
            { id: 'r1', kind: 'record', score: 1, record: { set: 'incidents', id: 'c1', title: 'Printer down', subtitle: 'CAS-001' }, snippet: [{ t: 'printer', hit: true }] },
          ],
        };
      }
      return method === 'Saved' ? [] : null;
    };
    setTransport(f.t);
    renderSearch();
    await search('发票');
    const [msg, rec] = rows();
    expect(msg!.textContent).toContain('Contoso › Support');
    expect(msg!.textContent).toContain('Li Wei');
    expect(msg!.querySelector('.badge.urgent')?.textContent).toBe('Urgent');
    expect(within(msg!).getByTestId('hit-deleted').textContent).toBe('deleted');
    expect(msg!.querySelector('mark')?.textContent).toBe('发票');
    expect(msg!.querySelector('img')).toBeNull();
    expect(msg!.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(rec!.querySelector('.kind-badge')?.textContent).toBe('Case');
    expect(rec!.textContent).toContain('Printer down');
    expect(rec!.textContent).toContain('CAS-001');
  });

  test('thousands of hits: only the rows in view are rendered, pages load as the list scrolls', async () => {
    const f = fakeSearch({ total: 5000 });
    setTransport(f.t);
    renderSearch();
    await search('big');
    const list = screen.getByTestId('search-results');
    expect((list.firstElementChild as HTMLElement).style.height).toBe(`${5000 * rowHeight}px`);
    expect(screen.getAllByRole('option').length).toBeLessThan(20);
    const hitQueries = () => f.queries().filter((q) => !q.facets);
    expect(hitQueries().map((q) => q.offset)).toEqual([0]);

    list.scrollTop = 1000 * rowHeight;
    fireEvent.scroll(list);
    await waitFor(() => expect(screen.getAllByTestId('hit').some((r) => r.dataset.id === 'hit-big-1000')).toBe(true));
    expect(hitQueries().slice(1)).toEqual([{ q: 'big', sort: 'relevance', offset: 950, size: 50, facets: false }, { q: 'big', sort: 'relevance', offset: 1000, size: 50, facets: false }]);
    expect(screen.getAllByRole('option').length).toBeLessThan(20);

    // A new query starts at the top: no page of it is asked for at the old position.
    type('bigger');
    await waitFor(() => expect(rows()[0]!.dataset.id).toBe('hit-bigger-0'));
    expect(screen.getByTestId('search-results').scrollTop).toBe(0);
    expect(hitQueries().filter((q) => q.q === 'bigger').map((q) => q.offset)).toEqual([0]);
  });

  test('keyboard: arrows move the selection and keep it in view, Enter opens the context', async () => {
    const f = fakeSearch({ total: 200 });
    setTransport(f.t);
    renderSearch();
    await search('kb');
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    const list = screen.getByTestId('search-results');
    expect(document.activeElement).toBe(list);
    const selected = () => screen.getAllByRole('option').find((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected()?.dataset.index).toBe('0');
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(selected()?.dataset.index).toBe('2');
    expect(list.getAttribute('aria-activedescendant')).toBe(selected()!.id);
    fireEvent.keyDown(list, { key: 'ArrowUp' });
    expect(selected()?.dataset.index).toBe('1');

    // Seven rows down: row 8 is below a five-row viewport, so the list scrolls to show it.
    for (let i = 0; i < 7; i++) fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(selected()?.dataset.index).toBe('8');
    expect(list.scrollTop).toBe(9 * rowHeight - viewport);

    fireEvent.keyDown(list, { key: 'End' });
    expect(list.scrollTop).toBe(200 * rowHeight - viewport);
    await waitFor(() => expect(f.queries().map((q) => q.offset)).toContain(150));
    expect(selected()?.dataset.index).toBe('199');

    fireEvent.keyDown(list, { key: 'Home' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(f.of('Search.Context')).toHaveLength(0); // moving does not open
    fireEvent.keyDown(list, { key: 'Enter' });
    expect(f.of('Search.Context').map((c) => c.args)).toEqual([['conv-1', 'msg-1', 10]]);
    const pane = screen.getByTestId('context-pane');
    await waitFor(() => expect(within(pane).getAllByTestId('message')).toHaveLength(3));
    const target = pane.querySelector('[aria-current="true"]') as HTMLElement;
    expect(target.dataset.id).toBe('msg-1');
    expect(target.className).toContain('target');
    expect(within(pane).getByTestId('open-in-conversation').getAttribute('href')).toBe('#/conversations/conv-1/msg-1');

    // Another query clears the pane: its hit is not one of the new results.
    type('kb2');
    await waitFor(() => expect(rows()[0]!.dataset.id).toBe('hit-kb2-0'));
    expect(within(screen.getByTestId('context-pane')).queryAllByTestId('message')).toHaveLength(0);
    expect(screen.getByTestId('context-pane').textContent).toBe(catalogs.en['search.pickHit']);
  });

  test('sort toggle re-runs the query at once, sorted by date', async () => {
    const f = fakeSearch();
    setTransport(f.t);
    renderSearch();
    await search('x');
    fireEvent.click(screen.getByTestId('sort-date'));
    expect(f.queries().at(-1)).toEqual({ q: 'x', sort: 'date', offset: 0, size: 50, facets: false });
    expect(screen.getByTestId('sort-date').getAttribute('aria-pressed')).toBe('true');
  });

  test('no results says so', async () => {
    setTransport(fakeSearch({ total: 0 }).t);
    renderSearch();
    type('zzz');
    expect((await screen.findByTestId('no-results')).textContent).toContain('Nothing matches “zzz”.');
    expect(screen.getByTestId('search-count').textContent).toBe('0 results · 8 ms');
  });
});

describe('facets', () => {
  const facets: Facet[] = [
    { dim: 'kind', values: [{ label: 'message', filter: 'kind:message', count: 110 }] },
    { dim: 'from', values: [{ label: 'Li Wei', filter: 'from:"Li Wei"', count: 12 }] },
    { dim: 'in', values: [{ label: 'Contoso Support', filter: 'in:Contoso Support', count: 4 }] },
    { dim: 'month', values: [{ label: '2026-03', filter: 'during:2026-03', count: 9 }] },
  ];

  test('who, where, when … type, with counts and localised labels', async () => {
    setTransport(fakeSearch({ facets }).t);
    renderSearch();
    await search('invoice');
    await waitFor(() => expect([...screen.getByTestId('facets').querySelectorAll('section')].map((s) => s.dataset.dim)).toEqual(['from', 'in', 'month', 'kind']));
    const kind = screen.getAllByTestId('facet').find((b) => b.dataset.dim === 'kind')!;
    expect(kind.textContent).toBe('Messages110');
    const month = screen.getAllByTestId('facet').find((b) => b.dataset.dim === 'month')!;
    expect(month.textContent).toBe('March 20269');
  });

  test('a click ANDs the clause into the query (quoting values with spaces) and re-runs; a second click removes it', async () => {
    const f = fakeSearch({ facets });
    setTransport(f.t);
    renderSearch();
    await search('invoice OR 发票');
    const facet = (dim: string) => screen.getAllByTestId('facet').find((b) => b.dataset.dim === dim)!;
    await waitFor(() => expect(facet('from')).toBeDefined());
    fireEvent.click(facet('from'));
    expect(box().value).toBe('(invoice OR 发票) from:"Li Wei"');
    expect(f.queries().at(-1)?.q).toBe('(invoice OR 发票) from:"Li Wei"'); // at once, no debounce
    await waitFor(() => expect(facet('from').getAttribute('aria-pressed')).toBe('true'));
    fireEvent.click(facet('in'));
    expect(box().value).toBe('(invoice OR 发票) from:"Li Wei" in:"Contoso Support"');
    await waitFor(() => expect(facet('in').getAttribute('aria-pressed')).toBe('true'));
    fireEvent.click(facet('from'));
    expect(box().value).toBe('(invoice OR 发票) in:"Contoso Support"');
  });
});

describe('bounded answers', () => {
  test('a total that is a lower bound reads N+, and facets counted over the top hits say so', async () => {
    const f = fakeSearch({ total: 10000, facets: [{ dim: 'kind', values: [{ label: 'message', filter: 'kind:message', count: 500 }] }] });
    const call = f.t.call.bind(f.t);
    f.t.call = async (service, method, args) => {
      const res = (await call(service, method, args)) as ReturnType<typeof page>;
      const req = args[0] as SearchRequest;
      return method === 'Query' ? { ...res, totalMore: true, ...(req.facets ? { facetsOf: 500 } : {}) } : res;
    };
    setTransport(f.t);
    renderSearch();
    await search('after:2026-08-02');
    expect(screen.getByTestId('search-count').textContent).toBe('10,000+ results · 8 ms');
    expect((await screen.findByTestId('facets-of')).textContent).toBe('Counted in the top 500 results');
  });

  test('an exact total has no +, and facets of every hit no note', async () => {
    setTransport(fakeSearch({ total: 120, facets: [{ dim: 'kind', values: [{ label: 'message', filter: 'kind:message', count: 120 }] }] }).t);
    renderSearch();
    await search('invoice');
    await screen.findByTestId('facets');
    expect(screen.getByTestId('search-count').textContent).toBe('120 results · 8 ms');
    expect(screen.queryByTestId('facets-of')).toBeNull();
  });
});

describe('errors', () => {
  test('a query error is shown with its span underlined; the last hits stay, dimmed', async () => {
    const f = fakeSearch();
    const call = f.t.call.bind(f.t);
    const bad = '发票 from:"李伟';
    f.t.call = async (service, method, args) => {
      const req = args[0] as SearchRequest;
      if (method === 'Query' && req.q === bad) {
        // Go's offsets: bytes. The opening quote is byte 12 (发票 = 6 bytes).
        return { ...page(req, 0), hits: [], queryError: { code: 'unclosed_quote', message: 'missing closing quote', start: 12, end: 19 } };
      }
      return call(service, method, args);
    };
    setTransport(f.t);
    renderSearch();
    await search('发票');
    type(bad);
    const note = await screen.findByTestId('query-error');
    expect(note.getAttribute('role')).toBe('alert');
    expect(within(note).getByTestId('query-error-message').textContent).toBe('A quote is not closed.');
    expect(within(note).getByTestId('query-error-span').textContent).toBe('"李伟');
    expect(note.querySelector('.query-echo')?.textContent).toBe(bad);
    expect(box().getAttribute('aria-invalid')).toBe('true');
    expect(rows()[0]!.dataset.id).toBe('hit-发票-0'); // the previous answer is still there
    expect(screen.getByTestId('search-results').className).toContain('stale');
    expect(screen.queryByTestId('save-search')).toBeNull();

    type('发票 from:"李伟"');
    await waitFor(() => expect(screen.queryByTestId('query-error')).toBeNull());
    expect(screen.getByTestId('search-results').className).not.toContain('stale');
  });

  test('a failed call is shown, the previous results are kept', async () => {
    const f = fakeSearch();
    const call = f.t.call.bind(f.t);
    f.t.call = async (service, method, args) => {
      if (method === 'Query' && (args[0] as SearchRequest).q === 'boom') throw new AppError('internal', 'index closed');
      return call(service, method, args);
    };
    setTransport(f.t);
    renderSearch();
    await search('ok');
    type('boom');
    expect((await screen.findByTestId('search-error')).textContent).toBe('Search failed: index closed');
    expect(rows().length).toBeGreaterThan(0);
  });
});

describe('saved searches and index status', () => {
  test('listed with no query next to the syntax help; click runs, × deletes', async () => {
    const f = fakeSearch({ saved: [{ id: 's1', name: 'Urgent ones', q: 'is:urgent', created: '2026-03-01T00:00:00Z' }] });
    setTransport(f.t);
    renderSearch();
    const item = await screen.findByTestId('saved-search');
    expect(item.textContent).toContain('Urgent ones');
    expect(screen.getByTestId('syntax-help').textContent).toContain('has:attachment');
    fireEvent.click(within(item).getByTestId('saved-search-run'));
    expect(box().value).toBe('is:urgent');
    expect(f.queries().at(-1)?.q).toBe('is:urgent');
    fireEvent.click(within(item).getByTestId('saved-search-delete'));
    await waitFor(() => expect(screen.queryByTestId('saved-search')).toBeNull());
    expect(f.of('Search.DeleteSaved').map((c) => c.args)).toEqual([['s1']]);
  });

  test('Save search asks for a name, the query by default', async () => {
    const f = fakeSearch();
    setTransport(f.t);
    renderSearch();
    await search('from:"Li Wei" 发票');
    fireEvent.click(screen.getByTestId('save-search'));
    const name = screen.getByTestId('save-search-name') as HTMLInputElement;
    expect(name.value).toBe('from:"Li Wei" 发票');
    fireEvent.change(name, { target: { value: 'Li Wei invoices' } });
    fireEvent.click(screen.getByTestId('save-search-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('saved-search')).toHaveLength(1));
    expect(f.of('Search.Save').map((c) => c.args)).toEqual([['Li Wei invoices', 'from:"Li Wei" 发票']]);
    expect(screen.queryByTestId('save-search-name')).toBeNull();
  });

  test('the index line follows search:progress and goes away when ready', async () => {
    const f = fakeSearch();
    setTransport(f.t);
    renderSearch();
    expect(screen.queryByTestId('index-status')).toBeNull();
    f.emit('search:progress', { state: 'building', indexed: 12345, queued: 6789 });
    expect(screen.getByTestId('index-status').textContent).toBe('Indexing… 12,345 indexed, 6,789 to go');
    // Go keeps the queue when indexing fails, and says why.
    f.emit('search:progress', { state: 'catching-up', indexed: 12345, queued: 6789, error: 'disk full' });
    expect(screen.getByTestId('index-status').textContent).toBe('Indexing failed: disk full — results may miss the latest changes.');
    expect(screen.getByTestId('index-status').className).toContain('error');
    f.emit('search:progress', { state: 'ready', indexed: 19134, queued: 0 });
    expect(screen.queryByTestId('index-status')).toBeNull();
  });
});

describe('input methods', () => {
  test('no search while a pinyin composition is under way; one when it ends', async () => {
    vi.useFakeTimers();
    const f = fakeSearch();
    setTransport(f.t);
    renderSearch();
    fireEvent.compositionStart(box());
    for (const v of ['f', 'fa', "fa'p", "fa'piao"]) {
      fireEvent.input(box(), { target: { value: v }, isComposing: true });
      act(() => vi.advanceTimersByTime(200));
    }
    fireEvent.keyDown(box(), { key: 'Enter', isComposing: true }); // picks the candidate, not a search
    expect(f.queries()).toEqual([]);
    expect(box().value).toBe("fa'piao");
    fireEvent.input(box(), { target: { value: '发票' }, isComposing: true });
    fireEvent.compositionEnd(box());
    act(() => vi.advanceTimersByTime(120));
    expect(f.queries().map((q) => q.q)).toEqual(['发票']);
  });
});

describe('opened at a query (rapport --search)', () => {
  test('searches the route’s query at once and reports the first hits once', async () => {
    const f = fakeSearch();
    setTransport(f.t);
    render(
      <SearchProvider>
        <SearchBox onSearchSection />
        <SearchView hasData routeQuery="付款 from:王" />
      </SearchProvider>,
    );
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(box().value).toBe('付款 from:王');
    expect((f.of('Search.Query')[0]!.args[0] as SearchRequest).q).toBe('付款 from:王');
    type('payment');
    await waitFor(() => expect(f.of('Search.Query').some((c) => (c.args[0] as SearchRequest).q === 'payment')).toBe(true));
    await flush();
    const reports = f.of('System.FirstResult');
    expect(reports).toHaveLength(1);
    expect((reports[0]!.args[0] as { hits: number }).hits).toBeGreaterThan(0);
  });
});
