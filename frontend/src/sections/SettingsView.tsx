import { useId, useState } from 'react';
import { useI18n, locales, localeNames, type MessageKey } from '../i18n';
import { SyncSources } from './SyncSources';
import { ConnectionSettings } from './ConnectionSettings';
import { AccountSettings } from './AccountSettings';
import { LinkSettingsPanel } from '../links/LinkSettings';
import { MetricsSettingsPanel } from '../metrics/MetricsSettings';
import { toAppError, type AppInfo, type LanguageSetting, type ThemeSetting, type UISettings } from '../api';

interface Props {
  info: AppInfo;
  settings: UISettings;
  onChange: (patch: Partial<UISettings>) => Promise<void>;
  // focus names a part to scroll to: "connection" (#/settings/connection).
  focus?: string | undefined;
}

export function SettingsView({ info, settings, onChange, focus }: Props) {
  const { t } = useI18n();
  const langId = useId();
  // The outcome: a message key (shown in the language current when it shows,
  // so "Saved" after a language switch is in the new one), or an error.
  const [status, setStatus] = useState<{ ok: true; key: MessageKey } | { ok: false; text: string } | null>(null);
  const save = (patch: Partial<UISettings>) => {
    onChange(patch).then(
      () => setStatus({ ok: true, key: 'settings.saved' }),
      (e: unknown) => setStatus({ ok: false, text: toAppError(e).message }),
    );
  };
  const themes: ThemeSetting[] = ['system', 'light', 'dark'];
  const rows: [MessageKey, string][] = [
    ['settings.version', info.version],
    ['settings.mode', t(info.mode === 'window' ? 'settings.mode.window' : 'settings.mode.browser')],
    ['settings.dataDir', info.dataDir],
    ['settings.store', info.storePath || '—'],
    ['settings.schema', info.schemaVersion ? String(info.schemaVersion) : '—'],
  ];
  return (
    <div className="settings">
      <section aria-labelledby="appearance">
        <h2 id="appearance">{t('settings.appearance')}</h2>
        <div className="field">
          <label htmlFor={langId}>{t('settings.language')}</label>
          <select
            id={langId}
            data-testid="language"
            value={settings.language}
            onChange={(e) => save({ language: e.target.value as LanguageSetting })}
          >
            <option value="auto">{t('settings.language.auto')}</option>
            {locales.map((l) => (
              <option key={l} value={l} lang={l}>
                {localeNames[l]}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>{t('settings.theme')}</legend>
          {themes.map((th) => (
            <label key={th} className="radio">
              <input
                type="radio"
                name="theme"
                value={th}
                data-testid={`theme-${th}`}
                checked={settings.theme === th}
                onChange={() => save({ theme: th })}
              />
              {t(`settings.theme.${th}`)}
            </label>
          ))}
        </fieldset>
        <p role="status" className={status?.ok === false ? 'status error' : 'status'} data-testid="settings-status">
          {status ? (status.ok ? t(status.key) : status.text) : null}
        </p>
      </section>
      <section aria-labelledby="about">
        <h2 id="about">{t('settings.about')}</h2>
        <Table rows={rows} />
      </section>
      <AccountSettings />
      <ConnectionSettings focus={focus === 'connection'} />
      <LinkSettingsPanel />
      <MetricsSettingsPanel />
      <SyncSources />
    </div>
  );
}

function Table({ rows }: { rows: [MessageKey, string][] }) {
  const { t } = useI18n();
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{t(k)}</dt>
          <dd>
            <code>{v}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
