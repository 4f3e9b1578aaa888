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

export interface Team {
  id: string;
  name: string;
  description?: string;
  archived?: boolean;
  channels: Channel[];
}

export interface Channel {
  id: string;
  teamId: string;
  name: string;
  description?: string;
  membershipType: 'standard' | 'private' | 'shared' | string;
}

export interface Chat {
  id: string;
  name: string;
  topic?: string;
  chatType: string;
  lastActivity: string;
  preview?: string;
  previewFrom?: string;
}

export interface Member {
  containerId: string;
  userId: string;
  displayName: string;
  email?: string;
  roles: string[];
}

export interface Attachment {
  id: string;
  contentType: string;
  name?: string;
  url?: string;
}

export interface Message {
  id: string;
  replyTo?: string;
  type: string;
  created: string;
  edited?: string;
  deleted?: string;
  subject?: string;
  importance: string;
  from: string;
  html: string; // sanitized in Go
  event?: string;
  attachments?: Attachment[];
  reactions?: Record<string, number>;
}

export interface MessagesPage {
  messages: Message[];
  before: string;
}

export interface Cursor {
  source: string;
  lastSync?: string;
  state?: string;
  error?: string;
}

export interface StoreStatus {
  teams: number;
  channels: number;
  chats: number;
  messages: number;
  tombstones: number;
  users: number;
  guests: number;
  records: Record<string, number>;
  cursors?: Cursor[];
}

export interface Progress {
  phase: string;
  current: string;
  done: number;
  total: number;
  messages: number;
  records: number;
  requests: number;
  errors: number;
  started: string;
}

export interface SyncResult {
  progress: Progress;
  error?: ErrorBody;
}

export interface SyncStatus {
  account: string;
  running: boolean;
  last?: SyncResult;
  store: StoreStatus;
  canSync: boolean;
  notReady?: string;
  tokenCache?: string;
  tokenCacheNote?: string;
}

export interface CrmRecord {
  set: string;
  id: string;
  etag?: string;
  fields: Record<string, unknown>;
  deleted?: string;
  modified: string;
}

export interface DeviceCode {
  userCode: string;
  verificationUrl: string;
  message: string;
  expiresOn: string;
}
