// Shapes of the Go services' answers (app/services.go). JSON names match the
// Go struct tags.

export interface Endpoints {
  cloud: 'global' | 'china' | 'usgov';
  authorityUrl: string;
  graphUrl: string;
  dataverseUrl: string;
  tenant: string;
  clientId: string;
}

export interface ErrorBody {
  code: string;
  message: string;
}

export interface AppInfo {
  version: string;
  mode: 'window' | 'browser';
  dataDir: string;
  storePath: string;
  schemaVersion: number;
  storeError?: ErrorBody;
  osLocale: string;
  endpoints: Endpoints;
}

export type LanguageSetting = 'auto' | 'zh-CN' | 'en' | 'fr';
export type ThemeSetting = 'system' | 'light' | 'dark';

export interface UISettings {
  language: LanguageSetting;
  theme: ThemeSetting;
}

export interface ReadyReport {
  sections: string[];
  locale: string;
  theme: string;
}
