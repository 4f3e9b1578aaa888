import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, Events, onEvent, toAppError, type AppInfo, type ThemeSetting, type UISettings } from './api';
import { I18nContext, resolveLocale, translator } from './i18n';
import { sections } from './sections/sections';
import { routeFromHash, type Route } from './display/routes';
import { EmptyState, SetupPanel } from './sections/EmptyState';
import { SettingsView } from './sections/SettingsView';
import { SectionIcon } from './sections/icons';
import { SyncBar } from './sections/SyncBar';
import { ConversationsView } from './sections/ConversationsView';
import { SearchView } from './sections/SearchView';
import { SearchProvider } from './search/SearchContext';
import { SearchBox } from './search/SearchBox';
import { narrowWidth, useFold } from './display/fold';
import { LinksProvider } from './links/LinksContext';
import { PendingHost } from './links/PendingChanges';
import type { StoreStatus } from './api';

// Sections a launch does not open at load when first visited: the
// window's first paint parses less script (BenchmarkWindowFirstResult).
const RecordsView = lazy(() => import('./sections/RecordsView').then((m) => ({ default: m.RecordsView })));
const GuestsView = lazy(() => import('./guests/GuestsView').then((m) => ({ default: m.GuestsView })));
const KnowledgeView = lazy(() => import('./knowledge/KnowledgeView').then((m) => ({ default: m.KnowledgeView })));
const MetricsView = lazy(() => import('./metrics/MetricsView').then((m) => ({ default: m.MetricsView })));

const defaultSettings: UISettings = { language: 'auto', theme: 'system' };

// hasData: the store holds something to search (unknown counts as no, like the other sections).
function hasData(store: StoreStatus | null): boolean {
  if (!store) return false;
  return store.messages + Object.values(store.records).reduce((a, b) => a + b, 0) > 0;
}

// useRoute follows the address's hash; every change is a new object, so a
// link followed again is seen again.
function useRoute(): Route {
  const [route, setRoute] = useState(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
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
  const [notReady, setNotReady] = useState<string | undefined>(undefined);
  useEffect(() => {
    api.sync.status().then(
      (s) => {
        setStore(s.store);
        setNotReady(s.notReady);
      },
      () => setStore(null),
    );
  }, [version]);
  const synced = useCallback(() => setVersion((v) => v + 1), []);
  // A saved connection, or a store started over: views reload.
  useEffect(() => onEvent(Events.connectionChanged, synced), [synced]);
  const route = useRoute();
  const section = route.section;
  const convTarget = useMemo(() => {
    const [conv, msg] = route.section === 'conversations' ? route.params : [];
    return conv ? { conv, ...(msg ? { msg } : {}) } : undefined;
  }, [route]);
  const prefersDark = usePrefersDark();
  const reported = useRef(false);
  // The sidebar: section names beside the icons, or the icons alone (by
  // itself below 1280 px; the toggle overrides until the window crosses).
  const nav = useFold(narrowWidth);

  useEffect(() => {
    api.system.info().then(setInfo, (e: unknown) => setLoadError(toAppError(e).message));
    api.settings.get().then(setSettings, () => {
      // The store may be unavailable; Info reports why. Keep the defaults.
    });
    return onEvent(Events.settingsChanged, setSettings);
  }, []);

  const locale = resolveLocale(settings.language, info?.osLocale ?? '', navigator.languages ?? [navigator.language]);
  const theme = effectiveTheme(settings.theme, prefersDark);
  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  const { t } = i18n;

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dataset.theme = theme;
  }, [locale, theme]);

  // rapport --search QUERY: open at search with the query, once.
  const openSearch = info?.openSearch;
  useEffect(() => {
    if (openSearch) window.location.hash = `#/search/${encodeURIComponent(openSearch)}`;
  }, [openSearch]);

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
      <SearchProvider>
        <LinksProvider>
          <div className="shell" data-testid="shell" data-section={section}>
            <nav className={nav.open ? 'sidebar' : 'sidebar sidebar-rail'} aria-label={t('nav.label')}>
              <div className="brand">
                <span className="brand-mark" aria-hidden="true">R</span>
                <span className="brand-name">Rapport</span>
              </div>
              <ul>
                {sections.map((s) => (
                  <li key={s.id}>
                    <a href={`#/${s.id}`} title={t(s.label)} aria-current={s.id === section ? 'page' : undefined} data-testid={`nav-${s.id}`}>
                      <SectionIcon id={s.id} />
                      <span className="nav-label">{t(s.label)}</span>
                    </a>
                  </li>
                ))}
              </ul>
              <p className="tagline">{t('app.tagline')}</p>
              {/* After the sections: the first Tab stop stays the first section. */}
              <button type="button" className="sidebar-toggle" data-testid="sidebar-toggle" aria-expanded={nav.open} aria-label={t('nav.fold')} title={t('nav.fold')} onClick={nav.toggle}>
                <span aria-hidden="true">{nav.open ? '«' : '»'}</span>
              </button>
            </nav>
            <main className="content">
              <header className="content-head">
                <h1>{t(current.label)}</h1>
                <SearchBox onSearchSection={section === 'search'} />
                {info && !info.storeError && <SyncBar onSynced={synced} />}
              </header>
              {info && !info.storeError && <PendingHost />}
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
              {notReady === 'no_client_id' && current.id !== 'settings' && <SetupPanel />}
              <Suspense fallback={<p>{t('loading')}</p>}>
              {current.id === 'conversations' && store && store.teams + store.chats > 0 ? (
                <ConversationsView version={version} target={convTarget} />
              ) : current.id === 'search' ? (
                <SearchView hasData={hasData(store)} routeQuery={route.section === 'search' ? route.params[0] : undefined} />
              ) : current.id === 'records' && store && Object.keys(store.records).length > 0 ? (
                <RecordsView version={version} target={route.section === 'records' ? route.params : []} />
              ) : current.id === 'knowledge' && hasData(store) ? (
                <KnowledgeView tab={route.params[0]} />
              ) : current.id === 'guests' && store && store.teams > 0 ? (
                <GuestsView tab={route.params[0]} />
              ) : current.id === 'metrics' && store && store.messages > 0 ? (
                <MetricsView version={version} />
              ) : current.what ? (
                <EmptyState what={current.what} />
              ) : info ? (
                <SettingsView info={info} settings={settings} onChange={change} focus={route.params[0]} />
              ) : (
                <p>{t('loading')}</p>
              )}
              </Suspense>
            </main>
          </div>
        </LinksProvider>
      </SearchProvider>
    </I18nContext.Provider>
  );
}
