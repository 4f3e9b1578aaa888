import { useEffect, useId, useRef, useState } from 'react';
import { api, toAppError, type MetricsAccount, type MetricsSettings, type Schedule } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';

// isoDays are ISO weekdays, Monday first, as Go's metrics.Schedule has them.
const isoDays = [1, 2, 3, 4, 5, 6, 7] as const;

// dayName is a weekday's short name in the UI's language (1 Monday … 7 Sunday).
function dayName(day: number, locale: string): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
}

// zones are the IANA time zones the browser knows (the computer's first).
function zones(): string[] {
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [here, ...all.filter((z) => z !== here)];
}

const days = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);

// MetricsSettingsPanel is Settings → Client metrics: working hours (one or
// more schedules, each in force from a day), the answer target, when an
// account is quiet, the tags that mark a thread resolved or unresolved and
// which account an e-mail domain belongs to. Go checks and stores them;
// a refused change is shown and nothing is saved.
export function MetricsSettingsPanel() {
  const { t, locale } = useI18n();
  const headingId = useId();
  const [shown, setShown] = useState<MetricsSettings | null>(null);
  const [accounts, setAccounts] = useState<MetricsAccount[]>([]);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [domain, setDomain] = useState({ name: '', account: '' });
  const seq = useRef(0);

  useEffect(() => {
    const n = ++seq.current;
    Promise.all([api.metrics.settings(), api.metrics.accounts()]).then(
      ([s, a]) => {
        if (n !== seq.current) return;
        setShown(s);
        setAccounts(a);
      },
      (e: unknown) => n === seq.current && setStatus({ ok: false, text: toAppError(e).message }),
    );
    return () => void seq.current++;
  }, []);

  if (!shown) {
    return (
      <section aria-labelledby={headingId} data-testid="metrics-settings">
        <h2 id={headingId}>{t('metricsSettings.title')}</h2>
        {status && <p className="status error" role="alert">{status.text}</p>}
      </section>
    );
  }
  const edit = (patch: Partial<MetricsSettings>) => {
    setShown({ ...shown, ...patch });
    setStatus(null);
  };
  const editHours = (i: number, patch: Partial<Schedule>) => edit({ hours: shown.hours.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  const save = () => {
    const n = ++seq.current;
    api.metrics.setSettings(shown).then(
      (s) => {
        if (n !== seq.current) return;
        setShown(s);
        setStatus({ ok: true, text: t('settings.saved') });
      },
      (e: unknown) => n === seq.current && setStatus({ ok: false, text: `${t('metricsSettings.refused')} ${toAppError(e).message}` }),
    );
  };
  const accountName = (id: string) => accounts.find((a) => a.id === id)?.name ?? id;
  const domains = Object.entries(shown.domains ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <section aria-labelledby={headingId} data-testid="metrics-settings" className="metrics-settings">
      <h2 id={headingId}>{t('metricsSettings.title')}</h2>
      <p className="hint">{t('metricsSettings.intro')}</p>
      {shown.hours.map((h, i) => (
        <fieldset key={i} className="field schedule" data-testid="metrics-schedule">
          <legend>{h.from ? fill(t('metricsSettings.scheduleFrom'), { day: h.from }) : t('metricsSettings.schedule')}</legend>
          <div className="schedule-row">
            <label>
              {t('metricsSettings.from')}
              <input type="date" value={h.from ?? ''} onChange={(e) => editHours(i, { from: e.target.value })} />
            </label>
            <label>
              {t('metricsSettings.zone')}
              <select value={h.zone} onChange={(e) => editHours(i, { zone: e.target.value })} data-testid="metrics-zone">
                <option value="">{t('metricsSettings.zoneHere')}</option>
                {zones().map((z) => (
                  <option key={z} value={z} translate="no">
                    {z}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('metricsSettings.start')}
              <input type="time" value={h.start} onChange={(e) => editHours(i, { start: e.target.value })} data-testid="metrics-start" />
            </label>
            <label>
              {t('metricsSettings.end')}
              <input type="time" value={h.end} onChange={(e) => editHours(i, { end: e.target.value })} data-testid="metrics-end" />
            </label>
          </div>
          <div className="schedule-days" role="group" aria-label={t('metricsSettings.days')}>
            {isoDays.map((d) => (
              <label key={d} className="checkbox">
                <input
                  type="checkbox"
                  checked={h.days.includes(d)}
                  onChange={(e) => editHours(i, { days: e.target.checked ? [...h.days, d].sort() : h.days.filter((x) => x !== d) })}
                />
                {dayName(d, locale)}
              </label>
            ))}
          </div>
          <label>
            {t('metricsSettings.holidays')}
            <textarea
              rows={2}
              value={(h.holidays ?? []).join(' ')}
              onChange={(e) => editHours(i, { holidays: days(e.target.value) })}
              placeholder="2026-10-01 2026-12-25"
              data-testid="metrics-holidays"
            />
          </label>
          {shown.hours.length > 1 && (
            <button type="button" onClick={() => edit({ hours: shown.hours.filter((_, j) => j !== i) })}>
              {t('metricsSettings.removeSchedule')}
            </button>
          )}
        </fieldset>
      ))}
      <button
        type="button"
        onClick={() => {
          const last = shown.hours[shown.hours.length - 1];
          edit({ hours: [...shown.hours, { ...(last ?? { zone: '', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }), from: '' }] });
        }}
      >
        {t('metricsSettings.addSchedule')}
      </button>
      <div className="field schedule-row">
        <label>
          {t('metricsSettings.target')}
          <input type="number" min={1} value={shown.targetMinutes} onChange={(e) => edit({ targetMinutes: Number(e.target.value) })} data-testid="metrics-target" />
        </label>
        <label>
          {t('metricsSettings.quietDays')}
          <input type="number" min={1} value={shown.quietDays} onChange={(e) => edit({ quietDays: Number(e.target.value) })} />
        </label>
        <label>
          {t('metricsSettings.resolvedTag')}
          <input value={shown.resolvedTag} onChange={(e) => edit({ resolvedTag: e.target.value })} data-testid="metrics-resolved-tag" />
        </label>
        <label>
          {t('metricsSettings.unresolvedTag')}
          <input value={shown.unresolvedTag} onChange={(e) => edit({ unresolvedTag: e.target.value })} />
        </label>
      </div>
      <fieldset className="field">
        <legend>{t('metricsSettings.domains')}</legend>
        <p className="hint">{t('metricsSettings.domainsHint')}</p>
        <ul className="plain" data-testid="metrics-domains">
          {domains.map(([d, id]) => (
            <li key={d}>
              <code>{d}</code> → {accountName(id)}{' '}
              <button
                type="button"
                aria-label={fill(t('metricsSettings.removeDomain'), { domain: d })}
                onClick={() => {
                  const next = { ...shown.domains };
                  delete next[d];
                  edit({ domains: next });
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <div className="schedule-row">
          <input
            value={domain.name}
            placeholder="contoso.com"
            aria-label={t('metricsSettings.domain')}
            onChange={(e) => setDomain({ ...domain, name: e.target.value })}
            data-testid="metrics-domain"
          />
          <select value={domain.account} aria-label={t('metrics.account')} onChange={(e) => setDomain({ ...domain, account: e.target.value })} data-testid="metrics-domain-account">
            <option value="">{t('metricsSettings.pickAccount')}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!domain.name.trim() || !domain.account}
            onClick={() => {
              edit({ domains: { ...shown.domains, [domain.name.trim().toLowerCase()]: domain.account } });
              setDomain({ name: '', account: '' });
            }}
          >
            {t('metricsSettings.addDomain')}
          </button>
        </div>
      </fieldset>
      <button type="button" className="primary" onClick={save} data-testid="metrics-settings-save">
        {t('metricsSettings.save')}
      </button>
      {status && (
        <p className={status.ok ? 'status' : 'status error'} role={status.ok ? 'status' : 'alert'} data-testid={status.ok ? 'metrics-settings-saved' : 'metrics-settings-error'}>
          {status.text}
        </p>
      )}
    </section>
  );
}
