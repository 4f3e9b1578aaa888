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

// Search (app/search.go). Offsets in QueryError are UTF-8 byte offsets into
// q; src/search/utf8.ts turns them into string indices.

export type SearchSort = 'relevance' | 'date';

export interface SearchRequest {
  q: string;
  sort: SearchSort;
  offset: number;
  size: number;
  facets: boolean;
}

export interface ConvRef {
  id: string;
  kind: 'chat' | 'channel';
  name: string;
  team?: string;
}

export interface HitMessage {
  id: string;
  replyTo?: string;
  created: string;
  from: string;
  importance: string;
  deleted?: string;
  subject?: string;
  hasAttachment?: boolean;
}

export interface HitRecord {
  set: string;
  id: string;
  title: string;
  subtitle?: string;
  url?: string;
}

// Fragment is a piece of plain text; hit pieces are the matched words.
export interface Fragment {
  t: string;
  hit?: boolean;
}

export interface SearchHit {
  id: string;
  kind: 'message' | 'record';
  score: number;
  conv?: ConvRef;
  message?: HitMessage;
  record?: HitRecord;
  snippet: Fragment[];
}

export type FacetDim = 'kind' | 'from' | 'in' | 'tag' | 'month';

export interface FacetValue {
  label: string;
  filter: string; // a query clause to AND into the query
  count: number;
}

export interface Facet {
  dim: FacetDim;
  values: FacetValue[];
}

export interface QueryError {
  code: string;
  message: string;
  start: number; // UTF-8 byte offsets into q
  end: number;
}

export interface IndexStatus {
  state: 'ready' | 'building' | 'catching-up' | 'unavailable';
  indexed: number;
  queued: number;
  error?: string;
}

export interface SearchResult {
  q: string;
  total: number;
  tookMs: number;
  hits: SearchHit[];
  facets?: Facet[];
  queryError?: QueryError;
  index: IndexStatus;
}

export interface ContextPage {
  conv: ConvRef;
  messages: Message[];
  target: string;
}

export interface SavedSearch {
  id: string;
  name: string;
  q: string;
  created: string;
}
