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
  // A connection field the error is about, and why (a code).
  field?: ConnectionField;
  reason?: string;
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
  html: string; // sanitized in Go: the body, then its cards (text, facts, actions)
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
  // eta: the messages phase's estimated seconds left, bounded by the
  // conversation with the most pages left under Graph's limits; absent
  // when there is no estimate.
  eta?: number;
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
  // Why sync cannot run, as a code (no_client_id, invalid_connection,
  // read_only, store_…); notReadyDetail is Go's technical detail.
  notReady?: string;
  notReadyDetail?: string;
  // Set when the tenant signed the user out (revoked sign-in): the
  // tenant's reason, in English, as a technical detail.
  signedOut?: string;
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

// Links (app/linkview.go): chats linked to Dynamics 365 records, edited
// offline through the outbox.

export interface CardField {
  label: string; // human-readable, from Dynamics
  value: string;
}

// RecordCard is a record as a context card shows it (up to five fields).
export interface RecordCard {
  set: string;
  id: string;
  title: string;
  fields: CardField[];
  url?: string;
  deleted?: boolean;
}

// local: a thread's or message's link, kept in Rapport (Dynamics links chats only).
export type LinkSync = 'synced' | 'pending' | 'in-flight' | 'failed' | 'conflict' | 'local';

// LinkView is one of a chat's links; linked is false while an unlink waits
// to be pushed.
export interface LinkView {
  chatId: string;
  set: string;
  recordId: string;
  linked: boolean;
  by?: string;
  at?: string;
  sync: LinkSync;
  error?: string;
  opSeq?: number;
  canUnlink: boolean;
  unlinkReason?: string; // in English, from Go
  unlinkCode?: UnlinkCode; // who may unlink, when canUnlink is false (for translation)
  record: RecordCard;
  notices?: LinkNotice[]; // key-field changes of the record since the link
}

// LinkNotice is a change of a linked record's key field seen by sync.
export interface LinkNotice {
  label: string; // Dynamics' column label
  old: string;
  new: string;
  at: string;
}

// UnlinkCode names who may unlink a chat from a record, besides a
// privileged role (privileged: only such a role).
export type UnlinkCode = 'owner' | 'linker' | 'owner-or-linker' | 'privileged';

// FieldChoice is one column a record card shows.
export interface FieldChoice {
  field: string; // Dataverse logical name
  label: string; // Dynamics' English label
}

// TypeRule is what Dynamics' settings allow for a record type: who may
// unlink chats from its records, and whether users may join chats linked
// to them.
export interface TypeRule {
  ownerMay: boolean;
  linkerMay: boolean;
  join: boolean;
}

// LinkSettings are, per record type (incidents, accounts, …), card fields
// and key fields (at most five each) and the rule; and whether the user
// has a privileged role.
export interface LinkSettings {
  fields: Record<string, FieldChoice[]>;
  keyFields: Record<string, string[]>;
  rules: Record<string, TypeRule>;
  privileged: boolean;
}

export type SuggestionWhy = 'contact' | 'domain' | 'case-number';

export interface Suggestion {
  card: RecordCard;
  why: SuggestionWhy;
}

// local: what Link answers for a thread or message (kept in Rapport; never in the outbox).
export type OpState = 'pending' | 'in-flight' | 'done' | 'failed' | 'conflict' | 'discarded' | 'local';

// Op is one queued edit in the outbox.
export interface Op {
  seq: number;
  id: string;
  kind: 'link' | 'unlink' | 'join' | 'notice';
  chatId: string;
  set: string;
  recordId: string;
  activityId?: string; // the Dataverse chats row (link, unlink)
  subject?: string;
  userId?: string; // join: the user's Dataverse id
  body?: string; // notice: the message's HTML (escaped by Go; never rendered here)
  upTo?: string; // notice: the changes it covers, up to this time
  by?: string;
  state: OpState;
  attempts: number;
  error?: string;
  server?: Record<string, unknown>; // Dynamics' side of a conflict
  created: string;
  updated: string;
  notBefore?: string;
  chatName?: string;
  recordTitle?: string;
}

// OutboxResult is the outbox:pushed event's payload.
export interface OutboxResult {
  done: number;
  failed: number;
  conflicts: number;
  waiting: number;
}

export interface TimelineItem {
  chatId: string;
  chatName: string;
  via: RecordCard; // the record the chat is linked to (the record itself, or one of its contacts or cases)
  linkedBy?: string;
  linkedAt?: string;
  lastMessage?: { from: string; at: string; text: string };
  member: boolean; // the user is in the chat (its messages are here)
  canJoin?: boolean; // not a member, and joining is allowed for the record type
  joinOff?: boolean; // not a member, and Settings turn joining off for the type
  join?: OpRef; // the user's request to join, until a sync brings the chat in
  kind: 'chat' | 'thread' | 'message'; // what is linked
  convId?: string; // its conversation
  messageId?: string; // threads: the root; messages: the message
  local?: boolean; // a thread or message: linked in Rapport only
}

// OpRef is an outbox operation's state.
export interface OpRef {
  seq: number;
  state: OpState;
  error?: string;
}

// The Microsoft 365 connection (app/connection.go).

export type CloudName = 'global' | 'china' | 'usgov';

export type ConnectionField = 'cloud' | 'authorityUrl' | 'graphUrl' | 'dataverseUrl' | 'tenant' | 'clientId';

// ConnectionFields is what Settings holds (storage.Connection); empty
// fields are not set.
export interface ConnectionFields {
  cloud?: string;
  authorityUrl?: string;
  graphUrl?: string;
  dataverseUrl?: string;
  tenant?: string;
  clientId?: string;
}

export interface Origin {
  tenantId?: string;
  readOnly?: boolean;
  readOnlyFor?: string;
}

export interface ConnectionView {
  saved: ConnectionFields;
  effective: Endpoints;
  locked: Partial<Record<ConnectionField, string>>; // field → the flag or variable that sets it
  ready: boolean;
  missing: ('no_client_id' | 'no_tenant' | 'no_dataverse')[];
  problem?: ErrorBody;
  origin: Origin;
  hasData: boolean;
  account: string;
  accountTenant?: string;
  permissions: { graph: string[]; dataverse: string[]; redirectUri: string };
  clouds: CloudInfo[];
}

export interface CloudInfo {
  name: CloudName;
  authorityUrl: string;
  graphUrl: string;
  dataverseExample: string;
}

export type TenantChoice = '' | 'start_over' | 'keep_read_only';

export interface ConnectionCheck {
  discovery?: ErrorBody;
  tenantId?: string;
  account?: string;
  accountTenant?: string;
  dataverse: 'ok' | 'not_set' | 'not_signed_in' | 'failed';
  dataverseUserId?: string;
  dataverseError?: ErrorBody;
}
