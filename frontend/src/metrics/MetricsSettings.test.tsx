import { cleanup, configure, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { AppError, setTransport, type MetricsSettings, type Transport } from '../api';
import { I18nContext, translator, type Locale } from '../i18n';
import { MetricsSettingsPanel } from './MetricsSettings';

configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  setTransport(null);
});

const stored: MetricsSettings = {
  hours: [{ zone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: ['2026-10-01'] }],
  targetMinutes: 30,
  quietDays: 14,
  resolvedTag: 'resolved',
  unresolvedTag: 'unresolved',
};

// fake answers as Go does: SetSettings refuses an end before the start.
function fake() {
  const saved: MetricsSettings[] = [];
  const t: Transport = {
    kind: 'http',
    on: () => () => {},
    call: async (service, method, args) => {
      switch (`${service}.${method}`) {
        case 'Metrics.Settings':
          return stored;
        case 'Metrics.Accounts':
          return [{ id: 'acc-hd', name: 'Huadong' }, { id: 'acc-br', name: 'Boreal' }];
        case 'Metrics.SetSettings': {
          const s = args[0] as MetricsSettings;
          if (s.hours.some((h) => h.end <= h.start)) throw new AppError('invalid', 'invalid metrics request: working hours end before they start');
          saved.push(s);
          return s;
        }
      }
      throw new Error(`unexpected call ${service}.${method}`);
    },
  };
  setTransport(t);
  return saved;
}

function renderPanel(locale: Locale) {
  const saved = fake();
  render(
    <I18nContext.Provider value={{ locale, t: translator(locale) }}>
      <MetricsSettingsPanel />
    </I18nContext.Provider>,
  );
  return saved;
}

describe('Settings → Client metrics', () => {
  test.each<[Locale, string]>([
    ['en', 'Save metrics settings'],
    ['zh-CN', '保存指标设置'],
    ['fr', 'Enregistrer les réglages des indicateurs'],
  ])('%s: edits are saved together; a domain maps to an account', async (locale, save) => {
    const saved = renderPanel(locale);
    const target = await screen.findByTestId('metrics-target');
    fireEvent.change(target, { target: { value: '45' } });
    fireEvent.change(screen.getByTestId('metrics-resolved-tag'), { target: { value: '已解决' } });
    fireEvent.change(screen.getByTestId('metrics-domain'), { target: { value: 'Huadong.CN' } });
    fireEvent.change(screen.getByTestId('metrics-domain-account'), { target: { value: 'acc-hd' } });
    fireEvent.click(screen.getByText(translator(locale)('metricsSettings.addDomain')));
    expect(screen.getByTestId('metrics-domains').textContent).toContain('huadong.cn');
    expect(saved).toHaveLength(0); // nothing leaves before Save
    fireEvent.click(screen.getByRole('button', { name: save }));
    await screen.findByTestId('metrics-settings-saved');
    expect(saved).toEqual([{ ...stored, targetMinutes: 45, resolvedTag: '已解决', domains: { 'huadong.cn': 'acc-hd' } }]);
  });

  test('a refused change says why and saves nothing', async () => {
    const saved = renderPanel('en');
    const end = await screen.findByTestId('metrics-end');
    fireEvent.change(end, { target: { value: '08:00' } });
    fireEvent.click(screen.getByTestId('metrics-settings-save'));
    const err = await screen.findByTestId('metrics-settings-error');
    expect(err.textContent).toContain('Not saved:');
    expect(err.textContent).toContain('end before they start');
    await waitFor(() => expect(saved).toHaveLength(0));
  });
});
