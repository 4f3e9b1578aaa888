// Typed calls to Rapport's Go services. Components import from here only.
import { transport } from './transport';
import type {
  AppInfo, ConnectionCheck, ConnectionFields, ConnectionView, TenantChoice, Chat, ContextPage, CrmRecord, DeviceCode, IndexStatus, LinkSettings, LinkView, Member, MessagesPage, Op, ReadyReport, RecordCard, SavedSearch, SearchRequest,
  SearchResult, Suggestion, SyncStatus, Team, TimelineItem, UISettings,
} from './types';

export { AppError, setTransport, toAppError, type Transport } from './transport';
export * from './types';
export { Events } from './events';

const call = <T>(service: string, method: string, ...args: unknown[]): Promise<T> =>
  transport().call(service, method, args) as Promise<T>;

export const api = {
  system: {
    info: () => call<AppInfo>('System', 'Info'),
    uiReady: (r: ReadyReport) => call<void>('System', 'UIReady', r),
    openURL: (url: string) => call<void>('System', 'OpenURL', url),
  },
  settings: {
    get: () => call<UISettings>('Settings', 'Get'),
    set: (s: UISettings) => call<UISettings>('Settings', 'Set', s),
  },
  sync: {
    status: () => call<SyncStatus>('Sync', 'Status'),
    start: (full: boolean) => call<void>('Sync', 'Start', full),
    signOut: () => call<void>('Sync', 'SignOut'),
    signIn: () => call<DeviceCode>('Sync', 'SignIn'),
    signInBrowser: () => call<string>('Sync', 'SignInBrowser'),
  },
  connection: {
    get: () => call<ConnectionView>('Connection', 'Get'),
    save: (c: ConnectionFields, choice: TenantChoice = '') => call<ConnectionView>('Connection', 'Save', c, choice),
    startOver: () => call<ConnectionView>('Connection', 'StartOver'),
    check: () => call<ConnectionCheck>('Connection', 'Check'),
  },
  conversations: {
    teams: () => call<Team[]>('Conversations', 'Teams'),
    chats: () => call<Chat[]>('Conversations', 'Chats'),
    messages: (convId: string, before: string, limit: number) => call<MessagesPage>('Conversations', 'Messages', convId, before, limit),
    members: (containerId: string) => call<Member[]>('Conversations', 'Members', containerId),
  },
  records: {
    list: (set: string) => call<CrmRecord[]>('Records', 'List', set),
  },
  search: {
    query: (req: SearchRequest) => call<SearchResult>('Search', 'Query', req),
    context: (convId: string, msgId: string, around: number) => call<ContextPage>('Search', 'Context', convId, msgId, around),
    saved: () => call<SavedSearch[]>('Search', 'Saved'),
    save: (name: string, q: string) => call<SavedSearch[]>('Search', 'Save', name, q),
    deleteSaved: (id: string) => call<SavedSearch[]>('Search', 'DeleteSaved', id),
    status: () => call<IndexStatus>('Search', 'Status'),
  },
  links: {
    forChat: (chatId: string) => call<LinkView[]>('Links', 'ForChat', chatId),
    suggest: (chatId: string) => call<Suggestion[]>('Links', 'Suggest', chatId),
    find: (q: string) => call<RecordCard[]>('Links', 'Find', q),
    link: (chatId: string, set: string, recordId: string) => call<Op>('Links', 'Link', chatId, set, recordId),
    unlink: (chatId: string, set: string, recordId: string) => call<Op>('Links', 'Unlink', chatId, set, recordId),
    outbox: () => call<Op[]>('Links', 'Outbox'),
    retry: (seq: number) => call<Op>('Links', 'Retry', seq),
    discard: (seq: number) => call<Op>('Links', 'Discard', seq),
    timeline: (set: string, recordId: string) => call<TimelineItem[]>('Links', 'Timeline', set, recordId),
    forConversation: (convId: string) => call<LinkView[]>('Links', 'ForConversation', convId),
    join: (chatId: string, set: string, recordId: string) => call<Op>('Links', 'Join', chatId, set, recordId),
    dismissNotices: (chatId: string, set: string, recordId: string, upTo: string) =>
      call<null>('Links', 'DismissNotices', chatId, set, recordId, upTo),
    postNotices: (chatId: string, set: string, recordId: string, upTo: string) =>
      call<Op>('Links', 'PostNotices', chatId, set, recordId, upTo),
    settings: () => call<LinkSettings>('Links', 'Settings'),
    setSettings: (s: LinkSettings) => call<LinkSettings>('Links', 'SetSettings', s),
  },
  mode: (): 'wails' | 'http' => transport().kind,
};

// onEvent subscribes to a server event; it returns the unsubscribe function.
export function onEvent<T>(name: string, handler: (data: T) => void): () => void {
  return transport().on(name, (d) => handler(d as T));
}
