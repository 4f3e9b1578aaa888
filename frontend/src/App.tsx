import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, Events, onEvent, toAppError, type AppInfo, type ThemeSetting, type UISettings } from './api';
import { I18nContext, resolveLocale, translator } from './i18n';
import { sectionFromHash, sections, type SectionId } from './sections/sections';
import { EmptyState } from './sections/EmptyState';
import { SettingsView } from './sections/SettingsView';
import { SectionIcon } from './sections/icons';
import { SyncBar } from './sections/SyncBar';
import { ConversationsView } from './sections/ConversationsView';
import { RecordsView } from './sections/RecordsView';
import type { StoreStatus } from './api';

const defaultSettings: UISettings = { language: 'auto', theme: 'system' };

function useSection(): SectionId {
  const [id, setId] = useState(() => sectionFromHash(window.location.hash));
  useEffect(() => {
    const on = () => setId(sectionFromHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return id;
}

function usePrefersDark(): boolean {
  const mq = useMemo(() => window.matchMedia?.('(prefers-color-scheme: dark)'), []);
  const [dark, setDark] = useState(mq?.matches ?? false);
  useEffect(() => {
    if (!mq) return;
    const on = (e: MediaQueryListEvent) => setDark(e.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [mq]);
  return dark;
}

function effectiveTheme(setting: ThemeSetting, prefersDark: boolean): 'light' | 'dark' {
  return setting === 'system' ? (prefersDark ? 'dark' : 'light') : setting;
}

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [settings, setSettings] = useState<UISettings>(defaultSettings);
  const [loadError, setLoadError] = useState<string | null>(null);
  // version bumps after every sync round so views reload from the store.
  const [version, setVersion] = useState(0);
  const [store, setStore] = useState<StoreStatus | null>(null);
  useEffect(() => {
    api.sync.status().then((s) => setStore(s.store), () => setStore(null));
  }, [version]);
  const synced = useCallback(() => setVersion((v) => v + 1), []);
  const section = useSection();
  const prefersDark = usePrefersDark();
  const reported = useRef(false);

  useEffect(() => {
    api.system.info().then(setInfo, (e: unknown) => setLoadError(toAppError(e).message));
    api.settings.get().then(setSettings, () => {
      // The store may be unavailable; Info reports why. Keep the defaults.
    });
    return onEvent<UISettings>(Events.settingsChanged, setSettings);
  }, []);

  const locale = resolveLocale(settings.language, info?.osLocale ?? '', navigator.languages ?? [navigator.language]);
  const theme = effectiveTheme(settings.theme, prefersDark);
  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  const { t } = i18n;

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dataset.theme = theme;
  }, [locale, theme]);

  useEffect(() => {
    if (!info || reported.current) return;
    reported.current = true;
    api.system.uiReady({ sections: sections.map((s) => s.id), locale, theme }).catch(() => {});
  }, [info, locale, theme]);

  // latest always holds the newest settings, so quick successive changes
  // each build on the one before rather than on a stale render.
  const latest = useRef(settings);
  latest.current = settings;
  const change = useCallback(async (patch: Partial<UISettings>) => {
    const before = latest.current;
    const next = { ...before, ...patch };
    latest.current = next;
    setSettings(next); // optimistic: the UI follows the click at once
    try {
      setSettings(await api.settings.set(next));
    } catch (e) {
      latest.current = before;
      setSettings(before);
      throw e;
    }
  }, []);

  const current = sections.find((s) => s.id === section) ?? sections[0]!;
  return (
    <I18nContext.Provider value={i18n}>
      <div className="shell" data-testid="shell" data-section={section}>
        <nav className="sidebar" aria-label={t('nav.label')}>
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">R</span>
            <span className="brand-name">Rapport</span>
          </div>
          <ul>
            {sections.map((s) => (
              <li key={s.id}>
                <a href={`#/${s.id}`} aria-current={s.id === section ? 'page' : undefined} data-testid={`nav-${s.id}`}>
                  <SectionIcon id={s.id} />
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
          <p className="tagline">{t('app.tagline')}</p>
        </nav>
        <main className="content">
          <header className="content-head">
            <h1>{t(current.label)}</h1>
            {info && !info.storeError && <SyncBar onSynced={synced} />}
          </header>
          {info?.storeError && (
            <div className="banner error" role="alert" data-testid="store-error">
              <strong>{t('error.store')}</strong> <code>{info.storeError.message}</code>
            </div>
          )}
          {loadError && (
            <div className="banner error" role="alert">
              <strong>{t('error.load')}</strong> <code>{loadError}</code>
            </div>
          )}
          {current.id === 'conversations' && store && store.teams + store.chats > 0 ? (
            <ConversationsView version={version} />
          ) : current.id === 'records' && store && Object.keys(store.records).length > 0 ? (
            <RecordsView version={version} />
          ) : current.what ? (
            <EmptyState what={current.what} />
          ) : info ? (
            <SettingsView info={info} settings={settings} onChange={change} />
          ) : (
            <p>{t('loading')}</p>
          )}
        </main>
      </div>
    </I18nContext.Provider>
  );
}
