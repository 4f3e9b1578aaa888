// Typed calls to Rapport's Go services. Components import from here only.
import { transport } from './transport';
import type { ArchivePublication, ArchiveRequest, BestFilter, BestRequest, CaseRequest, ConnectionFields, DigestRequest, EventPayloads, FAQEdit, FAQRequest, LinkSettings, MetricsQuery, MetricsSettings, NoteRequest, PublishRequest, FirstResult, ReadyReport, SearchRequest, Services, TaskRequest, TemplateRequest, TenantChoice, UISettings } from './types';

export { AppError, setTransport, toAppError, type Transport } from './transport';
export * from './types';
export { Events } from './events';

// MetricsBy names the group whose waits Metrics.Waits lists (Go's
// metrics.ByTotal, ByAccount, ByTeam, ByConversation, ByWeek).
export type MetricsBy = 'total' | 'account' | 'team' | 'conversation' | 'week';

type Service = keyof Services;
type Method<S extends Service> = keyof Services[S] & string;
type Signature<S extends Service, M extends Method<S>> = Services[S][M] extends { args: infer A extends unknown[]; result: infer R }
  ? { args: A; result: R }
  : never;

// call reaches Go's Service.Method: the names, the arguments and the answer
// are checked against the generated Services interface. What comes back is
// trusted to be the answer's type: Go's types generate it, and a test keeps
// them equal.
const call = <S extends Service, M extends Method<S>>(service: S, method: M, ...args: Signature<S, M>['args']) =>
  transport().call(service, method, args) as Promise<Signature<S, M>['result']>;

export const api = {
  system: {
    info: () => call('System', 'Info'),
    uiReady: (r: ReadyReport) => call('System', 'UIReady', r),
    firstResult: (r: FirstResult) => call('System', 'FirstResult', r),
    openURL: (url: string) => call('System', 'OpenURL', url),
  },
  settings: {
    get: () => call('Settings', 'Get'),
    set: (s: UISettings) => call('Settings', 'Set', s),
  },
  sync: {
    status: () => call('Sync', 'Status'),
    start: (full: boolean) => call('Sync', 'Start', full),
    signOut: () => call('Sync', 'SignOut'),
    signIn: () => call('Sync', 'SignIn'),
    signInBrowser: () => call('Sync', 'SignInBrowser'),
  },
  connection: {
    get: () => call('Connection', 'Get'),
    save: (c: ConnectionFields, choice: TenantChoice = '') => call('Connection', 'Save', c, choice),
    startOver: () => call('Connection', 'StartOver'),
    check: () => call('Connection', 'Check'),
  },
  conversations: {
    teams: () => call('Conversations', 'Teams'),
    chats: () => call('Conversations', 'Chats'),
    messages: (convId: string, before: string, limit: number) => call('Conversations', 'Messages', convId, before, limit),
    members: (containerId: string) => call('Conversations', 'Members', containerId),
  },
  records: {
    list: (set: string) => call('Records', 'List', set),
  },
  search: {
    query: (req: SearchRequest) => call('Search', 'Query', req),
    context: (convId: string, msgId: string, around: number) => call('Search', 'Context', convId, msgId, around),
    saved: () => call('Search', 'Saved'),
    save: (name: string, q: string) => call('Search', 'Save', name, q),
    deleteSaved: (id: string) => call('Search', 'DeleteSaved', id),
    status: () => call('Search', 'Status'),
  },
  links: {
    forChat: (chatId: string) => call('Links', 'ForChat', chatId),
    suggest: (chatId: string) => call('Links', 'Suggest', chatId),
    find: (q: string) => call('Links', 'Find', q),
    link: (chatId: string, set: string, recordId: string) => call('Links', 'Link', chatId, set, recordId),
    unlink: (chatId: string, set: string, recordId: string) => call('Links', 'Unlink', chatId, set, recordId),
    outbox: () => call('Links', 'Outbox'),
    retry: (seq: number) => call('Links', 'Retry', seq),
    discard: (seq: number) => call('Links', 'Discard', seq),
    timeline: (set: string, recordId: string) => call('Links', 'Timeline', set, recordId),
    record: (set: string, recordId: string) => call('Links', 'Record', set, recordId),
    forConversation: (convId: string) => call('Links', 'ForConversation', convId),
    join: (chatId: string, set: string, recordId: string) => call('Links', 'Join', chatId, set, recordId),
    dismissNotices: (chatId: string, set: string, recordId: string, upTo: string) =>
      call('Links', 'DismissNotices', chatId, set, recordId, upTo),
    postNotices: (chatId: string, set: string, recordId: string, upTo: string) =>
      call('Links', 'PostNotices', chatId, set, recordId, upTo),
    settings: () => call('Links', 'Settings'),
    setSettings: (s: LinkSettings) => call('Links', 'SetSettings', s),
  },
  capture: {
    createCase: (r: CaseRequest) => call('Capture', 'CreateCase', r),
    customers: (from: string) => call('Capture', 'Customers', from),
    addTask: (r: TaskRequest) => call('Capture', 'AddTask', r),
    addNote: (r: NoteRequest) => call('Capture', 'AddNote', r),
    activities: (set: string, id: string) => call('Capture', 'Activities', set, id),
    followUps: () => call('Capture', 'FollowUps'),
  },
  tags: {
    list: () => call('Tags', 'List'),
    forConversation: (convId: string) => call('Tags', 'ForConversation', convId),
    set: (target: string, add: string[], remove: string[]) => call('Tags', 'Set', target, add, remove),
    bulk: (q: string, add: string[], remove: string[], dryRun: boolean) => call('Tags', 'Bulk', q, add, remove, dryRun),
    rename: (from: string, to: string, dryRun: boolean) => call('Tags', 'Rename', from, to, dryRun),
    merge: (from: string, into: string, dryRun: boolean) => call('Tags', 'Merge', from, into, dryRun),
    delete: (tag: string, dryRun: boolean) => call('Tags', 'Delete', tag, dryRun),
    alias: (tag: string, alias: string) => call('Tags', 'Alias', tag, alias),
    unalias: (alias: string) => call('Tags', 'Unalias', alias),
    color: (tag: string, color: string) => call('Tags', 'Color', tag, color),
    undo: (dryRun: boolean) => call('Tags', 'Undo', dryRun),
  },
  knowledge: {
    markBest: (r: BestRequest) => call('Knowledge', 'MarkBest', r),
    editBest: (r: BestRequest) => call('Knowledge', 'EditBest', r),
    unmarkBest: (target: string) => call('Knowledge', 'UnmarkBest', target),
    listBest: (f: BestFilter) => call('Knowledge', 'ListBest', f),
    draftFaq: (r: FAQRequest) => call('Knowledge', 'DraftFAQ', r),
    editFaq: (e: FAQEdit) => call('Knowledge', 'EditFAQ', e),
    deleteFaq: (id: string) => call('Knowledge', 'DeleteFAQ', id),
    listFaq: (f: BestFilter) => call('Knowledge', 'ListFAQ', f),
    entry: (id: string) => call('Knowledge', 'Entry', id),
    saveTemplate: (r: TemplateRequest) => call('Knowledge', 'SaveTemplate', r),
    deleteTemplate: (id: string) => call('Knowledge', 'DeleteTemplate', id),
    templates: (q: string) => call('Knowledge', 'Templates', q),
    archive: (r: ArchiveRequest) => call('Knowledge', 'Archive', r),
    publishArchive: (p: ArchivePublication) => call('Knowledge', 'PublishArchive', p),
    publishFaq: (id: string) => call('Knowledge', 'PublishFAQ', id),
    channels: () => call('Knowledge', 'Channels'),
  },
  metrics: {
    report: (q: MetricsQuery) => call('Metrics', 'Report', q),
    waits: (q: MetricsQuery, by: MetricsBy, id: string) => call('Metrics', 'Waits', q, by, id),
    threads: (q: MetricsQuery, by: MetricsBy, id: string) => call('Metrics', 'Threads', q, by, id),
    accounts: () => call('Metrics', 'Accounts'),
    settings: () => call('Metrics', 'Settings'),
    setSettings: (s: MetricsSettings) => call('Metrics', 'SetSettings', s),
  },
  digests: {
    build: (r: DigestRequest) => call('Digests', 'Build', r),
    publish: (r: PublishRequest) => call('Digests', 'Publish', r),
    publications: (week: string) => call('Digests', 'Publications', week),
    channels: () => call('Digests', 'Channels'),
  },
  guests: {
    roster: (account: string, team: string, inactive: number) => call('Guests', 'Roster', account, team, inactive),
    plan: (action: string, team: string, channel: string, user: string, reason: string) => call('Guests', 'Plan', action, team, channel, user, reason),
    planSettings: (team: string, settings: Record<string, boolean>, reason: string) => call('Guests', 'PlanSettings', team, settings, reason),
    changes: () => call('Guests', 'Changes'),
    discard: (n: number) => call('Guests', 'Discard', n),
    apply: (confirm: boolean) => call('Guests', 'Apply', confirm),
    consent: () => call('Guests', 'Consent'),
    consentBrowser: () => call('Guests', 'ConsentBrowser'),
    audit: () => call('Guests', 'Audit'),
    importInvites: (text: string, dryRun: boolean) => call('Guests', 'Import', text, dryRun),
    mapDomain: (domain: string, accountId: string) => call('Guests', 'MapDomain', domain, accountId),
    reviewStatus: () => call('Guests', 'ReviewStatus'),
    startReview: (account: string) => call('Guests', 'StartReview', account),
    decide: (user: string, decision: string, why: string) => call('Guests', 'Decide', user, decision, why),
    finishReview: () => call('Guests', 'FinishReview'),
    exportReview: (format: 'csv' | 'html') => call('Guests', 'ExportReview', format),
  },
  mode: (): 'wails' | 'http' => transport().kind,
};

// onEvent subscribes to a server event; it returns the unsubscribe function.
export function onEvent<E extends keyof EventPayloads>(name: E, handler: (data: EventPayloads[E]) => void): () => void {
  return transport().on(name, (d) => handler(d as EventPayloads[E]));
}
