// Code generated from the Go types by `go test ./app -run TestTypesGenerated -args -update-ts`; DO NOT EDIT.
// JSON names are the Go struct tags; optional fields are omitempty ones.

// Account is Go's guests.Account.
export interface Account {
  id: string;
  name: string;
  created?: string;
  domains: string[];
  guests: string[];
  teams: string[];
}

// Activity is Go's capture.Activity.
export interface Activity {
  kind: ActivityKind;
  id: string;
  title: string;
  text?: string;
  due?: string;
  state: string;
  priority: number;
  file?: string;
  created: string;
  regardingSet: string;
  regardingId: string;
  regardingTitle?: string;
  opSeq?: number;
  error?: string;
}

// ActivityKind: the values of Go's capture.Activity.kind.
export type ActivityKind = "task" | "note";

// AppInfo is Go's app.AppInfo.
export interface AppInfo {
  version: string;
  mode: AppMode;
  dataDir: string;
  storePath: string;
  schemaVersion: number;
  storeError?: ErrorBody;
  osLocale: string;
  endpoints: Endpoints;
  openSearch?: string;
}

// AppMode: the values of Go's app.AppInfo.mode.
export type AppMode = "window" | "browser";

// ArchiveFile is Go's knowledge.File.
export interface ArchiveFile {
  name: string;
}

// ArchivePreview is Go's app.ArchivePreview.
export interface ArchivePreview {
  archive: KnowledgeArchive;
  sizes: number[];
  html: string;
}

// ArchivePublication is Go's app.ArchivePublication.
export interface ArchivePublication {
  archive: ArchiveRequest;
  team: string;
  channel: string;
}

// ArchiveRequest is Go's knowledge.ArchiveRequest.
export interface ArchiveRequest {
  month: string;
  account?: string;
  team?: string;
  lang?: string;
}

// ArchiveScope: the values of Go's knowledge.Archive.scopeKind.
export type ArchiveScope = "account" | "team";

// Attachment is Go's storage.Attachment.
export interface Attachment {
  id: string;
  contentType: string;
  name?: string;
  url?: string;
}

// AuditEntry is Go's guests.AuditEntry.
export interface AuditEntry {
  seq: number;
  who: string;
  what: string;
  when: string;
  queued: string;
  result: string;
  error?: string;
  tries: number;
}

// BestConversation is Go's knowledge.Best.
export interface BestConversation {
  target: string;
  conv: string;
  topic: string;
  reason: string;
  month: string;
  first: string;
  last: string;
  messages: string[];
  title: string;
  created: string;
  modified: string;
}

// BestFilter is Go's knowledge.BestFilter.
export interface BestFilter {
  month?: string;
  topic?: string;
}

// BestRequest is Go's knowledge.BestRequest.
export interface BestRequest {
  target: string;
  topic: string;
  reason: string;
}

// Bucket is Go's metrics.Bucket.
export interface Bucket {
  upToSeconds: number | null;
  count: number;
}

// CardField is Go's links.CardField.
export interface CardField {
  label: string;
  value: string;
  field: string;
  key?: string;
  valueKey?: string;
  currency?: string;
}

// CaseRequest is Go's capture.CaseRequest.
export interface CaseRequest {
  from: string;
  title: string;
  customer: string;
  priority: string;
  description?: string;
}

// Change is Go's guests.Change.
export interface Change {
  id: string;
  action: string;
  teamId: string;
  team: string;
  channelId?: string;
  channel?: string;
  userId: string;
  name: string;
  email?: string;
  before: string;
  after: string;
  reason?: string;
  planned: string;
  message?: string;
  redirectUrl?: string;
  sendEmail?: boolean;
  settings?: Record<string, boolean>;
}

// Channel is Go's storage.Channel.
export interface Channel {
  id: string;
  teamId: string;
  name: string;
  description?: string;
  membershipType: MembershipType;
  created?: string;
}

// ChannelChoice is Go's app.ChannelChoice.
export interface ChannelChoice {
  team: string;
  teamName: string;
  channel: string;
  channelName: string;
}

// Chat is Go's app.ChatDTO.
export interface Chat {
  id: string;
  topic?: string;
  chatType: string;
  created: string;
  lastUpdated: string;
  lastActivity: string;
  preview?: string;
  previewFrom?: string;
  name: string;
}

// CloudInfo is Go's cloud.Info.
export interface CloudInfo {
  name: CloudName;
  authorityUrl: string;
  graphUrl: string;
  dataverseExample: string;
}

// CloudName: the values of Go's cloud.Name.
export type CloudName = "global" | "china" | "usgov";

// ConnectionCheck is Go's app.ConnectionCheck.
export interface ConnectionCheck {
  discovery?: ErrorBody;
  tenantId?: string;
  account?: string;
  accountTenant?: string;
  dataverse: DataverseCheck;
  dataverseUserId?: string;
  dataverseError?: ErrorBody;
}

// ConnectionField: the values of Go's app.Error.field.
export type ConnectionField = "cloud" | "authorityUrl" | "graphUrl" | "dataverseUrl" | "tenant" | "clientId";

// ConnectionFields is Go's storage.Connection.
export interface ConnectionFields {
  cloud?: string;
  authorityUrl?: string;
  graphUrl?: string;
  dataverseUrl?: string;
  tenant?: string;
  clientId?: string;
}

// ConnectionView is Go's app.ConnectionView.
export interface ConnectionView {
  saved: ConnectionFields;
  effective: Endpoints;
  locked: Record<string, string>;
  ready: boolean;
  missing: MissingSetting[];
  problem?: ErrorBody;
  origin: Origin;
  hasData: boolean;
  account: string;
  accountTenant?: string;
  permissions: Permissions;
  clouds: CloudInfo[];
}

// Container is Go's guests.Container.
export interface Container {
  id: string;
  teamId: string;
  team: string;
  channelId?: string;
  channel?: string;
  private?: boolean;
  account?: string;
  accountName?: string;
  people: Person[];
  settings?: Record<string, boolean>;
}

// ContextPage is Go's app.ContextPage.
export interface ContextPage {
  conv: ConvRef;
  messages: Message[];
  target: string;
}

// ConvKind: the values of Go's metrics.Group.kind.
export type ConvKind = "chat" | "channel";

// ConvRef is Go's search.HitConv.
export interface ConvRef {
  id: string;
  kind: ConvKind;
  name: string;
  team?: string;
}

// Created is Go's capture.Created.
export interface Created {
  op: Op;
  set: string;
  id: string;
  title: string;
  regarding?: RecordRef;
  customer?: RecordRef;
  linkedTo?: string;
}

// CrmRecord is Go's storage.Record.
export interface CrmRecord {
  set: string;
  id: string;
  etag?: string;
  fields: Record<string, unknown>;
  deleted?: string;
  modified: string;
}

// Cursor is Go's storage.Cursor.
export interface Cursor {
  source: string;
  link?: string;
  watermark?: string;
  pending?: string;
  seen?: string;
  lastSync?: string;
  state?: string;
  error?: string;
}

// DataverseCheck: the values of Go's app.ConnectionCheck.dataverse.
export type DataverseCheck = "ok" | "not_set" | "not_signed_in" | "failed";

// DeviceCode is Go's app.DeviceCodeDTO.
export interface DeviceCode {
  userCode: string;
  verificationUrl: string;
  message: string;
  expiresOn: string;
}

// Digest is Go's digest.Digest.
export interface Digest {
  week: string;
  from: string;
  to: string;
  zone: string;
  lang: string;
  targetSeconds: number;
  quietDays: number;
  accounts: DigestAccount[];
  total: MetricsGroup;
  quiet: MetricsGroup[];
  overview: boolean;
}

// DigestAccount is Go's digest.Account.
export interface DigestAccount {
  id: string;
  name: string;
  kind?: ConvKind;
  team?: string;
  waits: number;
  answered: number;
  unanswered: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  withinTarget: number | null;
  withinCount: number;
  decided: number;
  messages: number;
  customerMessages: number;
  activeCustomers: number;
  conversations: number;
  lastCustomerMessage?: string;
  quiet?: boolean;
  casesOpened?: number;
  casesResolved?: number;
  threadsResolved?: number;
  threadsUnresolved?: number;
  questions: DigestQuestion[];
  open: DigestQuestion[];
  cases: DigestCase[];
}

// DigestCase is Go's digest.Case.
export interface DigestCase {
  number: string;
  title: string;
  change: string;
  state: number;
  at: string;
}

// DigestDoc is Go's app.DigestDoc.
export interface DigestDoc {
  digest: Digest;
  markdownName: string;
  htmlName: string;
  markdown: string;
}

// DigestQuestion is Go's digest.Question.
export interface DigestQuestion {
  at: string;
  customer: string;
  conversation: string;
  convId: string;
  message: string;
  text: string;
  answered: boolean;
  seconds: number;
  withinTarget: boolean;
}

// DigestRequest is Go's digest.Request.
export interface DigestRequest {
  week: string;
  account?: string;
  lang?: string;
}

// Endpoints is Go's cloud.Endpoints.
export interface Endpoints {
  cloud: CloudName;
  authorityUrl: string;
  graphUrl: string;
  graphResource: string;
  dataverseUrl: string;
  tenant: string;
  clientId: string;
}

// ErrorBody is Go's app.Error.
export interface ErrorBody {
  code: string;
  message: string;
  field?: ConnectionField;
  reason?: string;
}

// FAQ is Go's knowledge.FAQ.
export interface FAQ {
  id: string;
  question: string;
  answer: string;
  tags: string[];
  from: string;
  conv: string;
  sources: string[];
  month: string;
  first: string;
  created: string;
  modified: string;
}

// FAQEdit is Go's knowledge.FAQEdit.
export interface FAQEdit {
  id: string;
  question: string;
  answer: string;
  tags: string[];
}

// FAQEntry is Go's knowledge.Entry.
export interface FAQEntry {
  id: string;
  question: string;
  answer: string;
  answerHtml: string;
  tags: string[];
  sources: FAQSource[];
  review: RedactedText[];
}

// FAQRequest is Go's knowledge.FAQRequest.
export interface FAQRequest {
  from: string;
  question: string;
  answer?: string;
  tags?: string[];
}

// FAQSource is Go's knowledge.Source.
export interface FAQSource {
  target: string;
  from: string;
  created: string;
  text: string;
  missing?: boolean;
}

// Facet is Go's search.Facet.
export interface Facet {
  dim: FacetDim;
  values: FacetValue[];
}

// FacetDim: the values of Go's search.Facet.dim.
export type FacetDim = "kind" | "from" | "in" | "tag" | "month";

// FacetValue is Go's search.FacetValue.
export interface FacetValue {
  label: string;
  filter: string;
  count: number;
}

// FieldChoice is Go's links.FieldChoice.
export interface FieldChoice {
  field: string;
  label: string;
}

// FirstResult is Go's app.FirstResult.
export interface FirstResult {
  hits: number;
}

// Fragment is Go's search.Fragment.
export interface Fragment {
  t: string;
  hit?: boolean;
}

// Guest is Go's guests.Guest.
export interface Guest {
  userId: string;
  name: string;
  email?: string;
  domain?: string;
  account?: string;
  accountName?: string;
  state: string;
  invited?: string;
  pendingDays?: number;
  signIn: string;
  lastSignIn?: string;
  lastMessage?: string;
  lastMessageIn?: string;
  lastMessageChat?: boolean;
  memberships: Membership[];
}

// GuestsApplied is Go's app.GuestsApplied.
export interface GuestsApplied {
  queued: number;
  needsConsent: boolean;
}

// GuestsDecision is Go's app.GuestsDecision.
export interface GuestsDecision {
  item: ReviewItem;
  planned: Change[];
}

// Hashtag is Go's tags.Hashtag.
export interface Hashtag {
  name: string;
  count: number;
}

// HitKind: the values of Go's search.Hit.kind.
export type HitKind = "message" | "record";

// HitMessage is Go's search.HitMessage.
export interface HitMessage {
  id: string;
  replyTo?: string;
  created: string;
  from: string;
  importance: string;
  deleted?: string;
  subject?: string;
  hasAttachment?: boolean;
  tags?: string[];
  inheritedTags?: string[];
}

// HitRecord is Go's search.HitRecord.
export interface HitRecord {
  set: string;
  id: string;
  title: string;
  subtitle?: string;
}

// Import is Go's guests.Import.
export interface Import {
  format: string;
  delimiter: string;
  rows: InviteRow[];
  valid: number;
  dryRun: boolean;
  planned: Change[];
}

// IndexEntry is Go's knowledge.IndexEntry.
export interface IndexEntry {
  kind: KnowledgeKind;
  id: string;
  anchor: string;
  title: string;
  conv: string;
  link: string;
}

// IndexState: the values of Go's search.Status.state.
export type IndexState = "ready" | "building" | "catching-up";

// IndexStatus is Go's search.Status.
export interface IndexStatus {
  state: IndexState;
  indexed: number;
  queued: number;
  error?: string;
}

// IndexTopic is Go's knowledge.IndexTopic.
export interface IndexTopic {
  topic: string;
  labels: string[];
  best: number;
  faq: number;
  entries: IndexEntry[];
}

// InviteRow is Go's guests.InviteRow.
export interface InviteRow {
  line: number;
  email: string;
  name?: string;
  team?: string;
  channel?: string;
  message?: string;
  redirectUrl?: string;
  sendEmail: boolean;
  account?: string;
  errors: string[];
}

// ItemReview is Go's knowledge.ItemReview.
export interface ItemReview {
  kind: KnowledgeKind;
  id: string;
  redacted: RedactedText[];
}

// KnowledgeArchive is Go's knowledge.Archive.
export interface KnowledgeArchive {
  month: string;
  scope?: string;
  scopeKind?: ArchiveScope;
  lang: string;
  best: number;
  faq: number;
  topics: IndexTopic[];
  files: ArchiveFile[];
  review: ItemReview[];
}

// KnowledgeKind: the values of Go's knowledge.IndexEntry.kind.
export type KnowledgeKind = "best" | "faq";

// LanguageSetting: the values of Go's app.UISettings.language.
export type LanguageSetting = "auto" | "zh-CN" | "en" | "fr";

// LastMessage is Go's links.LastMessage.
export interface LastMessage {
  from: string;
  at: string;
  text: string;
}

// LinkNotice is Go's links.Notice.
export interface LinkNotice {
  label: string;
  old: string;
  new: string;
  at: string;
  field: string;
  key?: string;
  oldKey?: string;
  newKey?: string;
}

// LinkSettings is Go's links.LinkSettings.
export interface LinkSettings {
  fields: Record<string, FieldChoice[]>;
  keyFields: Record<string, string[]>;
  rules: Record<string, TypeRule>;
  privileged: boolean;
}

// LinkSync: the values of Go's links.LinkView.sync.
export type LinkSync = "synced" | "pending" | "in-flight" | "failed" | "conflict" | "local";

// LinkView is Go's links.LinkView.
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
  unlinkReason?: string;
  unlinkCode?: UnlinkCode;
  record: RecordCard;
  notices?: LinkNotice[];
}

// Member is Go's storage.Member.
export interface Member {
  containerId: string;
  userId: string;
  displayName: string;
  email?: string;
  roles: string[];
  since?: string;
}

// Membership is Go's guests.Membership.
export interface Membership {
  containerId: string;
  teamId: string;
  team: string;
  channel?: string;
  private?: boolean;
  role: string;
  account?: string;
}

// MembershipType: the values of Go's storage.Channel.membershipType.
export type MembershipType = "standard" | "private" | "shared" | "unknownFutureValue";

// Message is Go's app.MessageDTO.
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
  html: string;
  event?: string;
  attachments?: Attachment[];
  reactions?: Record<string, number>;
  reactedBy?: Record<string, string[]>;
  mine?: boolean;
  teamsUrl?: string;
}

// MessagesPage is Go's app.MessagesPage.
export interface MessagesPage {
  messages: Message[];
  before: string;
}

// MetricsAccount is Go's metrics.Account.
export interface MetricsAccount {
  id: string;
  name: string;
}

// MetricsGroup is Go's metrics.Group.
export interface MetricsGroup {
  id: string;
  name: string;
  kind?: ConvKind;
  team?: string;
  waits: number;
  answered: number;
  unanswered: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  withinTarget: number | null;
  withinCount: number;
  decided: number;
  messages: number;
  customerMessages: number;
  activeCustomers: number;
  conversations: number;
  lastCustomerMessage?: string;
  quiet?: boolean;
  casesOpened?: number;
  casesResolved?: number;
  threadsResolved?: number;
  threadsUnresolved?: number;
}

// MetricsHours: the values of Go's metrics.Query.hours.
export type MetricsHours = "settings" | "24x7";

// MetricsQuery is Go's metrics.Query.
export interface MetricsQuery {
  from?: string;
  to?: string;
  account?: string;
  hours?: MetricsHours;
}

// MetricsReport is Go's metrics.Report.
export interface MetricsReport {
  query: MetricsQuery;
  zone: string;
  now: string;
  targetSeconds: number;
  quietDays: number;
  total: MetricsGroup;
  accounts: MetricsGroup[];
  teams: MetricsGroup[];
  conversations: MetricsGroup[];
  weeks: MetricsGroup[];
  distribution: Bucket[];
  unanswered: MetricsWait[];
}

// MetricsSettings is Go's metrics.Settings.
export interface MetricsSettings {
  hours: Schedule[];
  targetMinutes: number;
  quietDays: number;
  domains?: Record<string, string>;
  resolvedTag: string;
  unresolvedTag: string;
}

// MetricsThread is Go's metrics.TaggedThread.
export interface MetricsThread {
  conversation: string;
  kind: string;
  name: string;
  thread?: string;
  message: string;
  newest: string;
  resolved: boolean;
  account: string;
  accountName: string;
}

// MetricsWait is Go's metrics.Wait.
export interface MetricsWait {
  conversation: string;
  kind: ConvKind;
  name: string;
  team?: string;
  thread?: string;
  message: string;
  answer?: string;
  customer: string;
  customerId: string;
  account: string;
  accountName: string;
  week: string;
  start: string;
  end: string | null;
  seconds: number;
  answered: boolean;
  withinTarget: boolean;
}

// MissingSetting: the values of Go's app.ConnectionView.missing.
export type MissingSetting = "no_client_id" | "no_tenant" | "no_dataverse";

// NoteRequest is Go's capture.NoteRequest.
export interface NoteRequest {
  record: string;
  from: string;
  title?: string;
  file?: boolean;
}

// Op is Go's storage.Op.
export interface Op {
  seq: number;
  id: string;
  kind: OpKind;
  chatId: string;
  set: string;
  recordId: string;
  activityId: string;
  subject?: string;
  userId?: string;
  body?: string;
  upTo?: string;
  seenBefore?: string;
  row?: Record<string, unknown>;
  change?: string;
  batch?: string;
  email?: string;
  name?: string;
  after?: string;
  team?: string;
  channel?: string;
  file?: string;
  size?: number;
  digest?: string;
  key?: string;
  by?: string;
  state: OpState;
  attempts: number;
  error?: string;
  server?: Record<string, unknown>;
  created: string;
  updated: string;
  notBefore?: string;
}

// OpKind: the values of Go's storage.Op.kind.
export type OpKind = "link" | "unlink" | "join" | "notice" | "create" | "upload" | "post";

// OpRef is Go's links.OpRef.
export interface OpRef {
  seq: number;
  state: OpState;
  error?: string;
}

// OpState: the values of Go's storage.Op.state.
export type OpState = "pending" | "in-flight" | "done" | "failed" | "conflict" | "discarded" | "local";

// OpView is Go's links.OpView.
export interface OpView {
  seq: number;
  id: string;
  kind: OpKind;
  chatId: string;
  set: string;
  recordId: string;
  activityId: string;
  subject?: string;
  userId?: string;
  body?: string;
  upTo?: string;
  seenBefore?: string;
  row?: Record<string, unknown>;
  change?: string;
  batch?: string;
  email?: string;
  name?: string;
  after?: string;
  team?: string;
  channel?: string;
  file?: string;
  size?: number;
  digest?: string;
  key?: string;
  by?: string;
  state: OpState;
  attempts: number;
  error?: string;
  server?: Record<string, unknown>;
  created: string;
  updated: string;
  notBefore?: string;
  chatName?: string;
  recordTitle?: string;
}

// Origin is Go's storage.Origin.
export interface Origin {
  tenantId?: string;
  readOnly?: boolean;
  readOnlyFor?: string;
}

// OutboxResult is Go's outbox.Result.
export interface OutboxResult {
  done: number;
  failed: number;
  conflicts: number;
  waiting: number;
  needsConsent?: boolean;
}

// Permissions is Go's app.Permissions.
export interface Permissions {
  graph: string[];
  dataverse: string[];
  redirectUri: string;
}

// Person is Go's guests.Person.
export interface Person {
  userId: string;
  name: string;
  email?: string;
  role: string;
  guest: boolean;
  state?: string;
  account?: string;
  since?: string;
  actions: string[];
}

// Progress is Go's engine.Progress.
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
  eta?: number;
}

// PublishRequest is Go's app.PublishRequest.
export interface PublishRequest {
  week: string;
  lang?: string;
  team: string;
  channel: string;
}

// QueryError is Go's search.QueryError.
export interface QueryError {
  code: string;
  message: string;
  start: number;
  end: number;
  op?: string;
  suggest?: string;
  values?: string[];
}

// ReadyReport is Go's app.ReadyReport.
export interface ReadyReport {
  sections: string[];
  locale: string;
  theme: string;
}

// Recommendation is Go's guests.Recommendation.
export interface Recommendation {
  kind: string;
  userId?: string;
  name?: string;
  account?: string;
  teamId?: string;
  team?: string;
  containerId?: string;
  channel?: string;
  action: string;
  days?: number;
  until?: string;
  settings?: Record<string, boolean>;
  reason: string;
  evidence: string[];
}

// RecordCard is Go's links.RecordCard.
export interface RecordCard {
  set: string;
  id: string;
  title: string;
  fields: CardField[];
  url?: string;
  deleted?: boolean;
  waiting?: boolean;
}

// RecordPage is Go's links.RecordPage.
export interface RecordPage {
  card: RecordCard;
  parents: RecordCard[];
  children: RecordCard[];
  number?: string;
}

// RecordRef is Go's links.RecordRef.
export interface RecordRef {
  set: string;
  id: string;
  title: string;
  detail?: string;
  match: string;
}

// RedactedText is Go's knowledge.Redacted.
export interface RedactedText {
  original: string;
  text: string;
  spans: RedactionSpan[];
}

// RedactionKind: the values of Go's knowledge.Span.kind.
export type RedactionKind = "name" | "email" | "phone" | "case";

// RedactionSpan is Go's knowledge.Span.
export interface RedactionSpan {
  start: number;
  end: number;
  kind: RedactionKind;
  text: string;
  placeholder: string;
}

// Review is Go's guests.Review.
export interface Review {
  id: string;
  account?: string;
  accountName?: string;
  started: string;
  by?: string;
  items: ReviewItem[];
}

// ReviewItem is Go's guests.ReviewItem.
export interface ReviewItem {
  userId: string;
  name: string;
  email?: string;
  accountName?: string;
  state: string;
  teams: string[];
  evidence: string[];
  recommendation: string;
  reasons?: string[];
  decision?: string;
  why?: string;
  decided?: string;
  decidedBy?: string;
}

// ReviewStatus is Go's guests.ReviewStatus.
export interface ReviewStatus {
  due: boolean;
  dueAt?: string;
  review?: Review;
  decided: number;
  total: number;
}

// Roster is Go's guests.Roster.
export interface Roster {
  now: string;
  settings: Settings;
  signInAvailable: boolean;
  containers: Container[];
  guests: Guest[];
  accounts: Account[];
  unmapped: string[];
  recommendations: Recommendation[];
  settingKeys: string[];
}

// SavedSearch is Go's app.SavedSearch.
export interface SavedSearch {
  id: string;
  name: string;
  q: string;
  created: string;
}

// Schedule is Go's metrics.Schedule.
export interface Schedule {
  from?: string;
  zone: string;
  days: number[];
  start: string;
  end: string;
  holidays?: string[];
}

// SearchHit is Go's search.Hit.
export interface SearchHit {
  id: string;
  kind: HitKind;
  score: number;
  conv?: ConvRef;
  message?: HitMessage;
  record?: HitRecord;
  snippet: Fragment[];
}

// SearchRequest is Go's search.Request.
export interface SearchRequest {
  q: string;
  sort: SearchSort;
  offset: number;
  size: number;
  facets: boolean;
}

// SearchResult is Go's search.Result.
export interface SearchResult {
  q: string;
  total: number;
  totalMore?: boolean;
  facetsOf?: number;
  tookMs: number;
  hits: SearchHit[];
  facets?: Facet[];
  queryError?: QueryError;
  notes?: Unmatched[];
  index: IndexStatus;
}

// SearchSort: the values of Go's search.Request.sort.
export type SearchSort = "relevance" | "date";

// Settings is Go's guests.Settings.
export interface Settings {
  inactiveDays?: number;
  pendingDays?: number;
  restrictMonths?: number;
  cap?: number;
  domains?: Record<string, string>;
}

// StoreStatus is Go's storage.Status.
export interface StoreStatus {
  teams: number;
  channels: number;
  chats: number;
  messages: number;
  tombstones: number;
  users: number;
  guests: number;
  membersByRole: Record<string, number>;
  records: Record<string, number>;
  cursors: Cursor[];
}

// Suggestion is Go's links.Suggestion.
export interface Suggestion {
  card: RecordCard;
  why: SuggestionWhy;
}

// SuggestionWhy: the values of Go's links.Suggestion.why.
export type SuggestionWhy = "contact" | "domain" | "case-number";

// SyncResult is Go's app.SyncResult.
export interface SyncResult {
  progress: Progress;
  error?: ErrorBody;
}

// SyncStatus is Go's app.SyncStatus.
export interface SyncStatus {
  account: string;
  running: boolean;
  last?: SyncResult;
  store: StoreStatus;
  canSync: boolean;
  notReady?: string;
  notReadyDetail?: string;
  signedOut?: string;
  tokenCache?: string;
  tokenCacheNote?: string;
}

// Tag is Go's tags.Tag.
export interface Tag {
  name: string;
  count: number;
  color?: TagColor;
  topic?: string;
  aliases?: string[];
}

// TagChange is Go's storage.TagChange.
export interface TagChange {
  what: string;
  at: string;
  items: number;
  meta: number;
}

// TagColor: the values of Go's tags.Tag.color.
export type TagColor = "red" | "orange" | "yellow" | "green" | "teal" | "blue" | "purple" | "pink" | "gray";

// TagEditResult is Go's tags.Change.
export interface TagEditResult {
  what: string;
  dryRun?: boolean;
  items: number;
  added: number;
  removed: number;
  meta: number;
  docs: number;
  matched?: number;
  skipped?: number;
}

// TagList is Go's tags.List.
export interface TagList {
  tags: Tag[];
  hashtags: Hashtag[];
  undo?: TagChange;
  hashtagsError?: string;
}

// TaskRequest is Go's capture.TaskRequest.
export interface TaskRequest {
  record: string;
  subject: string;
  due?: string;
  priority?: string;
  from?: string;
}

// Team is Go's app.TeamDTO.
export interface Team {
  id: string;
  name: string;
  description?: string;
  archived?: boolean;
  settings?: Record<string, boolean>;
  settingsRead?: string;
  channels: Channel[];
}

// TemplateAnswer is Go's knowledge.Template.
export interface TemplateAnswer {
  id: string;
  title: string;
  text: string;
  tags: string[];
  from?: string;
  created: string;
  modified: string;
}

// TemplateRequest is Go's knowledge.TemplateRequest.
export interface TemplateRequest {
  id?: string;
  from?: string;
  title?: string;
  text?: string;
  tags?: string[];
}

// TenantChoice: the values of Go's app.TenantChoice.
export type TenantChoice = "" | "start_over" | "keep_read_only";

// ThemeSetting: the values of Go's app.UISettings.theme.
export type ThemeSetting = "system" | "light" | "dark";

// TimelineItem is Go's links.TimelineItem.
export interface TimelineItem {
  chatId: string;
  chatName: string;
  via: RecordCard;
  linkedBy?: string;
  linkedAt?: string;
  lastMessage?: LastMessage;
  member: boolean;
  canJoin?: boolean;
  joinOff?: boolean;
  join?: OpRef;
  kind: TimelineKind;
  convId?: string;
  messageId?: string;
  local?: boolean;
}

// TimelineKind: the values of Go's links.TimelineItem.kind.
export type TimelineKind = "chat" | "thread" | "message";

// TypeRule is Go's links.TypeRule.
export interface TypeRule {
  ownerMay: boolean;
  linkerMay: boolean;
  join: boolean;
}

// UISettings is Go's app.UISettings.
export interface UISettings {
  language: LanguageSetting;
  theme: ThemeSetting;
}

// UnlinkCode: the values of Go's links.LinkView.unlinkCode.
export type UnlinkCode = "owner" | "linker" | "owner-or-linker" | "privileged";

// Unmatched is Go's search.Unmatched.
export interface Unmatched {
  text: string;
  op: string;
  value: string;
  suggest?: string[];
}

// The bound services: each method's arguments and answer.
export interface Services {
  Capture: {
    Activities: { args: [string, string]; result: Activity[] };
    AddNote: { args: [NoteRequest]; result: Created };
    AddTask: { args: [TaskRequest]; result: Created };
    CreateCase: { args: [CaseRequest]; result: Created };
    Customers: { args: [string]; result: Suggestion[] };
    FollowUps: { args: []; result: Activity[] };
  };
  Connection: {
    Check: { args: []; result: ConnectionCheck };
    Get: { args: []; result: ConnectionView };
    Save: { args: [ConnectionFields, TenantChoice]; result: ConnectionView };
    StartOver: { args: []; result: ConnectionView };
  };
  Conversations: {
    Chats: { args: []; result: Chat[] };
    Members: { args: [string]; result: Member[] };
    Messages: { args: [string, string, number]; result: MessagesPage };
    Teams: { args: []; result: Team[] };
  };
  Digests: {
    Build: { args: [DigestRequest]; result: DigestDoc[] };
    Channels: { args: []; result: ChannelChoice[] };
    Publications: { args: [string]; result: Op[] };
    Publish: { args: [PublishRequest]; result: Op };
  };
  Guests: {
    Apply: { args: [boolean]; result: GuestsApplied };
    Audit: { args: []; result: AuditEntry[] };
    Changes: { args: []; result: Change[] };
    Consent: { args: []; result: DeviceCode };
    ConsentBrowser: { args: []; result: string };
    Decide: { args: [string, string, string]; result: GuestsDecision };
    Discard: { args: [number]; result: Change };
    ExportReview: { args: [string]; result: string };
    FinishReview: { args: []; result: Review };
    Import: { args: [string, boolean]; result: Import };
    MapDomain: { args: [string, string]; result: void };
    Plan: { args: [string, string, string, string, string]; result: Change };
    PlanSettings: { args: [string, Record<string, boolean>, string]; result: Change };
    ReviewStatus: { args: []; result: ReviewStatus };
    Roster: { args: [string, string, number]; result: Roster };
    StartReview: { args: [string]; result: Review };
  };
  Knowledge: {
    Archive: { args: [ArchiveRequest]; result: ArchivePreview };
    Channels: { args: []; result: ChannelChoice[] };
    DeleteFAQ: { args: [string]; result: void };
    DeleteTemplate: { args: [string]; result: void };
    DraftFAQ: { args: [FAQRequest]; result: FAQ };
    EditBest: { args: [BestRequest]; result: BestConversation };
    EditFAQ: { args: [FAQEdit]; result: FAQ };
    Entry: { args: [string]; result: FAQEntry };
    ListBest: { args: [BestFilter]; result: BestConversation[] };
    ListFAQ: { args: [BestFilter]; result: FAQ[] };
    MarkBest: { args: [BestRequest]; result: BestConversation };
    PublishArchive: { args: [ArchivePublication]; result: Op[] };
    PublishFAQ: { args: [string]; result: Op };
    SaveTemplate: { args: [TemplateRequest]; result: TemplateAnswer };
    Templates: { args: [string]; result: TemplateAnswer[] };
    UnmarkBest: { args: [string]; result: void };
  };
  Links: {
    Discard: { args: [number]; result: Op };
    DismissNotices: { args: [string, string, string, string]; result: void };
    Find: { args: [string]; result: RecordCard[] };
    ForChat: { args: [string]; result: LinkView[] };
    ForConversation: { args: [string]; result: LinkView[] };
    Join: { args: [string, string, string]; result: Op };
    Link: { args: [string, string, string]; result: Op };
    Outbox: { args: []; result: OpView[] };
    PostNotices: { args: [string, string, string, string]; result: Op };
    Record: { args: [string, string]; result: RecordPage };
    Retry: { args: [number]; result: Op };
    SetSettings: { args: [LinkSettings]; result: LinkSettings };
    Settings: { args: []; result: LinkSettings };
    Suggest: { args: [string]; result: Suggestion[] };
    Timeline: { args: [string, string]; result: TimelineItem[] };
    Unlink: { args: [string, string, string]; result: Op };
  };
  Metrics: {
    Accounts: { args: []; result: MetricsAccount[] };
    Report: { args: [MetricsQuery]; result: MetricsReport };
    SetSettings: { args: [MetricsSettings]; result: MetricsSettings };
    Settings: { args: []; result: MetricsSettings };
    Threads: { args: [MetricsQuery, string, string]; result: MetricsThread[] };
    Waits: { args: [MetricsQuery, string, string]; result: MetricsWait[] };
  };
  Records: {
    List: { args: [string]; result: CrmRecord[] };
  };
  Search: {
    Context: { args: [string, string, number]; result: ContextPage };
    DeleteSaved: { args: [string]; result: SavedSearch[] };
    Query: { args: [SearchRequest]; result: SearchResult };
    Save: { args: [string, string]; result: SavedSearch[] };
    Saved: { args: []; result: SavedSearch[] };
    Status: { args: []; result: IndexStatus };
  };
  Settings: {
    Get: { args: []; result: UISettings };
    Set: { args: [UISettings]; result: UISettings };
  };
  Sync: {
    SignIn: { args: []; result: DeviceCode };
    SignInBrowser: { args: []; result: string };
    SignOut: { args: []; result: void };
    Start: { args: [boolean]; result: void };
    Status: { args: []; result: SyncStatus };
  };
  System: {
    FirstResult: { args: [FirstResult]; result: void };
    Info: { args: []; result: AppInfo };
    OpenURL: { args: [string]; result: void };
    UIReady: { args: [ReadyReport]; result: void };
  };
  Tags: {
    Alias: { args: [string, string]; result: TagEditResult };
    Bulk: { args: [string, string[], string[], boolean]; result: TagEditResult };
    Color: { args: [string, string]; result: TagEditResult };
    Delete: { args: [string, boolean]; result: TagEditResult };
    ForConversation: { args: [string]; result: Record<string, string[]> };
    List: { args: []; result: TagList };
    Merge: { args: [string, string, boolean]; result: TagEditResult };
    Rename: { args: [string, string, boolean]; result: TagEditResult };
    Set: { args: [string, string[], string[]]; result: string[] };
    Unalias: { args: [string]; result: TagEditResult };
    Undo: { args: [boolean]; result: TagEditResult };
  };
}

// The events the UI subscribes to, by name, with their payloads.
export interface EventPayloads {
  "settings:changed": UISettings;
  "sync:progress": Progress;
  "sync:done": SyncResult;
  "auth:signed-in": string;
  "auth:failed": ErrorBody;
  "search:progress": IndexStatus;
  "outbox:pushed": OutboxResult;
  "connection:changed": ConnectionView;
}

export const EventNames = {
  settingsChanged: "settings:changed",
  syncProgress: "sync:progress",
  syncDone: "sync:done",
  signedIn: "auth:signed-in",
  signInFailed: "auth:failed",
  searchProgress: "search:progress",
  outboxPushed: "outbox:pushed",
  connectionChanged: "connection:changed",
} as const;
