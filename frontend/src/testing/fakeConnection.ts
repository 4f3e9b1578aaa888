// A stand-in for the Go Connection and Sync services in tests.
import { act } from '@testing-library/react';
import { AppError, type ConnectionCheck, type ConnectionFields, type ConnectionView, type SyncStatus, type TenantChoice, type Transport } from '../api';

// firstRunView is what Go answers before anything is set (app/connection.go).
export function firstRunView(over: Partial<ConnectionView> = {}): ConnectionView {
  return {
    saved: {},
    effective: { cloud: 'global', authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com', graphResource: 'https://graph.microsoft.com',
      dataverseUrl: '', tenant: 'organizations', clientId: '' },
    locked: {},
    ready: false,
    missing: ['no_client_id', 'no_tenant', 'no_dataverse'],
    origin: {},
    hasData: false,
    account: '',
    permissions: {
      graph: ['User.Read', 'User.ReadBasic.All', 'Chat.Read', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All',
        'TeamMember.Read.All', 'ChannelMember.Read.All', 'ChatMessage.Send'],
      dataverse: ['user_impersonation'],
      redirectUri: 'http://localhost',
    },
    clouds: [
      { name: 'global', authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com', dataverseExample: 'https://contoso.crm.dynamics.com' },
      { name: 'china', authorityUrl: 'https://login.chinacloudapi.cn', graphUrl: 'https://microsoftgraph.chinacloudapi.cn', dataverseExample: 'https://contoso.crm.dynamics.cn' },
      { name: 'usgov', authorityUrl: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us', dataverseExample: 'https://contoso.crm.microsoftdynamics.us' },
    ],
    ...over,
  };
}

// savedView is the view after fields were saved (as Go would answer).
export function savedView(f: ConnectionFields, over: Partial<ConnectionView> = {}): ConnectionView {
  const base = firstRunView();
  return {
    ...base,
    saved: f,
    effective: {
      cloud: (f.cloud || 'global') as 'global', authorityUrl: f.authorityUrl || base.effective.authorityUrl, graphUrl: f.graphUrl || base.effective.graphUrl,
      graphResource: base.effective.graphResource,
      dataverseUrl: f.dataverseUrl ?? '', tenant: f.tenant || 'organizations', clientId: f.clientId ?? '',
    },
    ready: !!f.clientId,
    missing: [...(f.clientId ? [] : ['no_client_id' as const]), ...(f.tenant ? [] : ['no_tenant' as const]), ...(f.dataverseUrl ? [] : ['no_dataverse' as const])],
    ...over,
  };
}

export interface FakeConnectionOptions {
  view?: ConnectionView;
  // save answers a save: a view, or an error to throw.
  save?: (f: ConnectionFields, choice: TenantChoice) => ConnectionView | AppError;
  check?: ConnectionCheck;
  status?: Partial<SyncStatus>;
}

const emptyStore = { teams: 0, channels: 0, chats: 0, messages: 0, tombstones: 0, users: 0, guests: 0, membersByRole: {}, records: {}, cursors: [] };

export function fakeConnection(opts: FakeConnectionOptions = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const handlers = new Map<string, ((d: unknown) => void)[]>();
  let view = opts.view ?? firstRunView();
  let status: SyncStatus = { account: '', running: false, canSync: false, notReady: 'no_client_id', store: emptyStore, ...opts.status };
  const answer = (name: string, args: unknown[]): unknown => {
    switch (name) {
      case 'Connection.Get':
        return structuredClone(view);
      case 'Connection.Save': {
        const r = (opts.save ?? ((f) => savedView(f)))(args[0] as ConnectionFields, args[1] as TenantChoice);
        if (r instanceof AppError) throw r;
        view = r;
        return structuredClone(view);
      }
      case 'Connection.StartOver':
        view = { ...view, origin: {}, hasData: false, ready: !!view.effective.clientId };
        return structuredClone(view);
      case 'Connection.Check':
        return structuredClone(opts.check ?? { dataverse: 'not_signed_in' });
      case 'Sync.Status':
        return structuredClone(status);
      case 'Sync.SignIn':
        return { userCode: 'ABCD1234', verificationUrl: 'https://login.example/devicelogin', message: 'm', expiresOn: '2026-03-04T10:00:00Z' };
      case 'Sync.Start':
        return null;
      case 'Links.Outbox':
        return [];
    }
    throw new AppError('not_found_method', name);
  };
  const t: Transport = {
    kind: 'http',
    async call(service, method, args) {
      const name = `${service}.${method}`;
      calls.push({ method: name, args });
      return answer(name, args);
    },
    on(event, h) {
      handlers.set(event, [...(handlers.get(event) ?? []), h]);
      return () => handlers.set(event, (handlers.get(event) ?? []).filter((x) => x !== h));
    },
  };
  return {
    t,
    calls,
    of: (method: string) => calls.filter((c) => c.method === method).map((c) => c.args),
    setStatus: (s: Partial<SyncStatus>) => (status = { ...status, ...s }),
    emit: (event: string, data: unknown) => act(() => (handlers.get(event) ?? []).forEach((h) => h(data))),
  };
}
