import { createContext, useContext } from 'react';
import { catalogs, type Locale, type MessageKey } from './messages';
import type { LanguageSetting } from '../api';

export { catalogs, localeNames, locales, type Locale, type MessageKey } from './messages';

// resolveLocale turns the user's setting into a catalogue: an explicit
// choice wins; "auto" follows the OS locale Go reports, then the browser's.
export function resolveLocale(setting: LanguageSetting, osLocale: string, browser: readonly string[]): Locale {
  if (setting !== 'auto') return setting;
  for (const tag of [osLocale, ...browser]) {
    const l = tag.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('fr')) return 'fr';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export type Translate = (key: MessageKey) => string;

// isMessageKey says whether a key from elsewhere (Go) has a message.
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(catalogs.en, key);

export function translator(locale: Locale): Translate {
  const cat = catalogs[locale];
  return (key) => cat[key];
}

export const I18nContext = createContext<{ locale: Locale; t: Translate }>({ locale: 'en', t: translator('en') });

export const useI18n = () => useContext(I18nContext);
