import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { setTransport, type TemplateAnswer, type Transport } from '../api';
import { I18nContext, translator } from '../i18n';
import { KnowledgeView, thisMonth } from './KnowledgeView';

configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

const templates: TemplateAnswer[] = [
  { id: '1', title: 'Invoice timing', text: '发票周五寄出。', tags: ['付款'], created: '', modified: '' },
  { id: '2', title: 'Merci', text: 'Merci beaucoup !', tags: [], created: '', modified: '' },
];

// transport answers Knowledge.Templates from the list above (filtered by
// a word, as Go does) and records the calls.
function transport() {
  const calls: [string, unknown[]][] = [];
  const t: Transport = {
    kind: 'http',
    call: (service, method, args) => {
      calls.push([`${service}.${method}`, args]);
      if (method === 'Templates') {
        const q = String(args[0]).toLowerCase();
        return Promise.resolve(templates.filter((x) => (x.title + x.text).toLowerCase().includes(q)));
      }
      return Promise.reject(new Error(`unexpected ${service}.${method}`));
    },
    on: () => () => {},
  };
  return { t, calls };
}

function renderView(tab: string, locale: 'en' | 'zh-CN' | 'fr' = 'en') {
  const f = transport();
  setTransport(f.t);
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <KnowledgeView tab={tab} />
    </I18nContext.Provider>,
  );
  return f;
}

describe('Knowledge section', () => {
  test('the tab is the address’s; an unknown one opens Tags', () => {
    renderView('templates');
    expect(screen.getByTestId('knowledge-tab-templates').getAttribute('aria-selected')).toBe('true');
    cleanup();
    renderView('nope');
    expect(screen.getByTestId('knowledge-tab-tags').getAttribute('aria-selected')).toBe('true');
  });

  test('a template is copied with one key (C or Enter), not while typing in the search', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const f = renderView('templates', 'fr');
    await waitFor(() => expect(screen.getAllByTestId('template-item')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('template-item');
    fireEvent.keyDown(second!, { key: 'c' });
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('Merci beaucoup !'));
    expect(screen.getByTestId('template-copied').textContent).toContain('Copié dans le presse-papiers.');
    fireEvent.keyDown(first!, { key: 'Enter' });
    await waitFor(() => expect(writeText).toHaveBeenLastCalledWith('发票周五寄出。'));
    fireEvent.keyDown(screen.getByTestId('templates-search'), { key: 'c' });
    expect(writeText).toHaveBeenCalledTimes(2);
    fireEvent.change(screen.getByTestId('templates-search'), { target: { value: 'merci' } });
    await waitFor(() => expect(screen.getAllByTestId('template-item')).toHaveLength(1));
    expect(f.calls.at(-1)).toEqual(['Knowledge.Templates', ['merci']]);
  });

  test('thisMonth is the local month as YYYY-MM', () => {
    expect(thisMonth(new Date(2026, 0, 31, 23, 59))).toBe('2026-01');
    expect(thisMonth(new Date(2026, 11, 1))).toBe('2026-12');
  });
});
