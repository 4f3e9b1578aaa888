import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  api,
  Events,
  onEvent,
  toAppError,
  type AuditEntry,
  type Change,
  type Container,
  type DeviceCode,
  type Guest,
  type Import,
  type Person,
  type Recommendation,
  type ReviewItem,
  type ReviewStatus,
  type Roster,
} from '../api';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { fill, when } from '../i18n/format';

const tabs = ['accounts', 'teams', 'recommendations', 'changes', 'invite', 'review'] as const;
type Tab = (typeof tabs)[number];
const isTab = (s: string | undefined): s is Tab => (tabs as readonly string[]).includes(s ?? '');

// Decisions of a review (Go's guests.Approve, Deny, DontKnow), with the
// key that picks each on a focused row.
const decisions = [
  { id: 'approve', key: 'a', label: 'guests.review.approve' },
  { id: 'deny', key: 'd', label: 'guests.review.deny' },
  { id: 'dontknow', key: 'k', label: 'guests.review.dontknow' },
] as const satisfies readonly { id: string; key: string; label: MessageKey }[];

// errorMessage words a failed call: the codes the Guests service gives
// in the UI language, anything else as Go said it.
function errorMessage(e: unknown, t: Translate): string {
  const err = toAppError(e);
  if (err.code === 'guest_owner') return t('guests.error.guest_owner');
  if (err.code === 'already_exists') return `${t('guests.error.already_exists')} ${err.message}`;
  return err.message;
}

const roleLabel = (role: string, t: Translate) =>
  role === 'owner' || role === 'member' || role === 'guest' ? t(`guests.role.${role}` as MessageKey) : role ? role : t('guests.role.none');

function stateLabel(state: string | undefined, pendingDays: number | undefined, t: Translate): string {
  switch (state) {
    case 'pending':
      return fill(t('guests.state.pending'), { days: pendingDays ?? 0 });
    case 'accepted':
      return t('guests.state.accepted');
    case 'disabled':
      return t('guests.state.disabled');
  }
  return '';
}

const day = (iso: string | undefined, locale: string) => (iso ? new Date(iso).toLocaleDateString(locale) : '');

// download saves text as a file (the review's export).
function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// GuestsView is the Guests section: the roster by customer account and
// by team, the recommendations, the change set with its preview (applied
// on the next sync, the write permissions asked for at the first apply),
// invitations from a file and the quarterly review. The tab is the
// address's (#/guests/teams).
export function GuestsView({ tab }: { tab?: string | undefined }) {
  const { t } = useI18n();
  const current: Tab = isTab(tab) ? tab : 'accounts';
  const [roster, setRoster] = useState<Roster | null>(null);
  const [changes, setChanges] = useState<Change[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.guests.roster('', '', 0).then(setRoster, (e: unknown) => setError(errorMessage(e, t)));
    api.guests.changes().then(setChanges, (e: unknown) => setError(errorMessage(e, t)));
  }, [t]);
  useEffect(reload, [reload]);
  useEffect(() => onEvent(Events.syncDone, reload), [reload]);
  useEffect(() => setNote(null), [current]);
  const planned = useCallback(
    (p: Promise<Change>) =>
      p.then(
        (c) => {
          setError(null);
          setNote(fill(t('guests.planned'), { what: describe(c, t) }));
          reload();
        },
        (e: unknown) => {
          setNote(null);
          setError(errorMessage(e, t));
        },
      ),
    [reload, t],
  );
  const plan = useCallback(
    (action: string, team: string, channel: string, user: string, reason = '') => planned(api.guests.plan(action, team, channel, user, reason)),
    [planned],
  );
  const planSettings = useCallback(
    (team: string, settings: Record<string, boolean>, reason = '') => planned(api.guests.planSettings(team, settings, reason)),
    [planned],
  );
  return (
    <div className="knowledge guests" data-testid="guests-view">
      <nav className="tabs" role="tablist" aria-label={t('guests.tabs')}>
        {tabs.map((id) => (
          <a key={id} role="tab" href={`#/guests/${id}`} aria-selected={id === current} data-testid={`guests-tab-${id}`}>
            {t(`guests.tab.${id}` as MessageKey)}
            {id === 'changes' && changes.length > 0 ? ` (${changes.length})` : ''}
          </a>
        ))}
      </nav>
      {note && (
        <p className="status" role="status" data-testid="guests-note">
          {note}
        </p>
      )}
      {error && (
        <p className="status error" role="alert" data-testid="guests-error">
          {error}
        </p>
      )}
      {roster && !roster.signInAvailable && current !== 'changes' && current !== 'invite' && <p className="hint">{t('guests.signInNote')}</p>}
      {roster && current === 'accounts' && <ByAccount roster={roster} onMapped={reload} onError={setError} />}
      {roster && current === 'teams' && <ByTeam roster={roster} plan={plan} planSettings={planSettings} />}
      {roster && current === 'recommendations' && <Recommendations roster={roster} plan={plan} planSettings={planSettings} />}
      {current === 'changes' && <ChangeSet changes={changes} cap={roster?.settings.cap ?? 20} names={names(roster)} onChanged={reload} />}
      {current === 'invite' && <Invite onPlanned={reload} />}
      {roster && current === 'review' && <Review roster={roster} onPlanned={reload} />}
    </div>
  );
}

// names are the roster's people by id (the audit log's "by").
function names(r: Roster | null): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of r?.containers ?? []) for (const p of c.people) m.set(p.userId, p.name);
  return m;
}

// describe says what a change does, in the UI language.
function describe(c: Change, t: Translate): string {
  if (c.action === 'settings') return fill(t('guests.describe'), { act: t('guests.act.settings'), what: `${c.team} — ${settingsText(c.settings ?? {}, t)}` });
  const where = c.channel ? `${c.team} / ${c.channel}` : c.team;
  return fill(t('guests.describe'), { act: t(`guests.act.${c.action}` as MessageKey), what: `${c.name}${where ? ` — ${where}` : ''}` });
}

function ByAccount({ roster, onMapped, onError }: { roster: Roster; onMapped(): void; onError(e: string): void }) {
  const { t } = useI18n();
  const byId = new Map(roster.guests.map((g) => [g.userId, g]));
  const unmapped = roster.guests.filter((g) => !g.account);
  return (
    <section aria-label={t('guests.tab.accounts')} data-testid="guests-accounts">
      {roster.accounts.map((a) => (
        <GuestTable
          key={a.id}
          caption={a.name}
          sub={fill(t('guests.domains'), { domains: a.domains.join(', ') })}
          guests={a.guests.map((id) => byId.get(id)).filter((g): g is Guest => !!g)}
          testId={`account-${a.id}`}
        />
      ))}
      {unmapped.length > 0 && <GuestTable caption={t('guests.noAccount')} sub="" guests={unmapped} testId="account-none" />}
      {roster.unmapped.map((d) => (
        <MapDomain key={d} domain={d} accounts={roster.accounts.map((a) => ({ id: a.id, name: a.name }))} onMapped={onMapped} onError={onError} />
      ))}
      {roster.accounts.length === 0 && unmapped.length === 0 && <p className="hint">{t('guests.none')}</p>}
    </section>
  );
}

function GuestTable({ caption, sub, guests, testId }: { caption: string; sub: string; guests: Guest[]; testId: string }) {
  const { t, locale } = useI18n();
  return (
    <table className="metrics-table guests-table" data-testid={testId}>
      <caption>
        <strong>{caption}</strong> {sub && <span className="hint">{sub}</span>}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('guests.col.name')}</th>
          <th scope="col">{t('guests.col.state')}</th>
          <th scope="col">{t('guests.col.where')}</th>
          <th scope="col">{t('guests.col.signIn')}</th>
          <th scope="col">{t('guests.col.message')}</th>
        </tr>
      </thead>
      <tbody>
        {guests.map((g) => (
          <tr key={g.userId} data-testid="guest-row" data-user={g.userId}>
            <th scope="row">
              {g.name} <span className="hint">{g.email}</span>
            </th>
            <td>{stateLabel(g.state, g.pendingDays, t)}</td>
            <td>
              <ul className="guests-places">
                {g.memberships.map((m) => {
                  const cross = m.private && !!m.account && !!g.account && m.account !== g.account;
                  return (
                    <li key={m.containerId} className={cross ? 'cross' : undefined} data-cross={cross || undefined}>
                      <span data-user-content="">{m.channel ? `${m.team} / ${m.channel}` : m.team}</span> <span className="hint">{roleLabel(m.role, t)}</span>
                      {m.private && <span className="hint"> · {t('guests.private')}</span>}
                      {cross && <strong className="cross-flag"> ⚠ {t('guests.crossCustomer')}</strong>}
                    </li>
                  );
                })}
              </ul>
            </td>
            <td>{g.signIn === 'known' ? day(g.lastSignIn, locale) : g.signIn === 'never' ? t('guests.signIn.never') : t('guests.signIn.unavailable')}</td>
            <td>
              {g.lastMessage && (
                <>
                  {day(g.lastMessage, locale)} ·{' '}
                  {g.lastMessageIn ? <span data-user-content="">{g.lastMessageIn}</span> : g.lastMessageChat ? t('guests.aChat') : ''}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MapDomain({ domain, accounts, onMapped, onError }: { domain: string; accounts: { id: string; name: string }[]; onMapped(): void; onError(e: string): void }) {
  const { t } = useI18n();
  const [account, setAccount] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (account) api.guests.mapDomain(domain, account).then(onMapped, (err: unknown) => onError(toAppError(err).message));
  };
  return (
    <form className="knowledge-form" onSubmit={submit} data-testid="map-domain" data-domain={domain}>
      <label>
        {fill(t('guests.mapDomain'), { domain })}{' '}
        <select value={account} onChange={(e) => setAccount(e.target.value)}>
          <option value="">{t('guests.mapDomain.pick')}</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!account}>
        {t('guests.mapDomain.save')}
      </button>
    </form>
  );
}

type Plan = (action: string, team: string, channel: string, user: string, reason?: string) => Promise<void>;
type Settings = Record<string, boolean>; // storage.TeamSettingKeys ("guestSettings.allowDeleteChannels") → value
type PlanSettings = (team: string, settings: Settings, reason?: string) => Promise<void>;

// settingsText words team settings: "Guests may create and update
// channels: no, …".
function settingsText(s: Settings, t: Translate): string {
  return Object.entries(s)
    .map(([k, v]) => fill(t('guests.setting.pair'), { name: t(`guests.setting.${k}` as MessageKey) ?? k, value: t(v ? 'guests.setting.yes' : 'guests.setting.no') }))
    .sort()
    .join(', ');
}

// TeamSettingsForm plans a team's member and guest settings: each
// setting left as it is (as last synced, when known), allowed or
// forbidden; only what differs from the synced value is planned.
function TeamSettingsForm({ team, keys, planSettings }: { team: Container; keys: string[]; planSettings: PlanSettings }) {
  const { t } = useI18n();
  const [set, setSet] = useState<Record<string, string>>({});
  const current = team.settings;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const out: Settings = {};
    for (const [k, v] of Object.entries(set)) {
      if (v !== '') out[k] = v === 'on';
    }
    if (Object.keys(out).length > 0) void planSettings(team.teamId, out).then(() => setSet({}));
  };
  return (
    <details className="team-settings" data-testid="team-settings">
      <summary>{t('guests.settings')}</summary>
      <form className="knowledge-form" onSubmit={submit}>
        {keys.map((k) => (
          <label key={k}>
            {t(`guests.setting.${k}` as MessageKey) ?? k}{' '}
            {current && k in current && (
              <span className="hint" data-testid={`setting-now-${k}`}>
                ({t(current[k] ? 'guests.setting.yes' : 'guests.setting.no')})
              </span>
            )}{' '}
            <select value={set[k] ?? ''} onChange={(e) => setSet({ ...set, [k]: e.target.value })} data-testid={`setting-${k}`}>
              <option value="">{t('guests.setting.keep')}</option>
              <option value="on">{t('guests.setting.allow')}</option>
              <option value="off">{t('guests.setting.forbid')}</option>
            </select>
          </label>
        ))}
        <button type="submit" disabled={!Object.values(set).some((v) => v !== '')} data-testid="settings-plan">
          {t('guests.plan')}
        </button>
      </form>
    </details>
  );
}

function ByTeam({ roster, plan, planSettings }: { roster: Roster; plan: Plan; planSettings: PlanSettings }) {
  const { t } = useI18n();
  const [team, setTeam] = useState('');
  const teams = roster.containers.filter((c) => !c.channelId);
  const shown = roster.containers.filter((c) => !team || c.teamId === team);
  return (
    <section aria-label={t('guests.tab.teams')} data-testid="guests-teams">
      <div className="knowledge-filters">
        <label>
          {t('guests.teamFilter')}{' '}
          <select value={team} onChange={(e) => setTeam(e.target.value)} data-testid="guests-team-filter">
            <option value="">{t('guests.allTeams')}</option>
            {teams.map((c) => (
              <option key={c.id} value={c.teamId}>
                {c.team}
              </option>
            ))}
          </select>
        </label>
      </div>
      {shown.map((c) => (
        <div key={c.id}>
          <TeamTable c={c} team={teams.find((x) => x.teamId === c.teamId)} guests={roster.guests} plan={plan} />
          {!c.channelId && <TeamSettingsForm team={c} keys={roster.settingKeys} planSettings={planSettings} />}
        </div>
      ))}
    </section>
  );
}

function TeamTable({ c, team, guests, plan }: { c: Container; team: Container | undefined; guests: Guest[]; plan: Plan }) {
  const { t, locale } = useI18n();
  const byId = new Map(guests.map((g) => [g.userId, g]));
  const [add, setAdd] = useState('');
  const addable = c.private && team ? team.people.filter((p) => !c.people.some((x) => x.userId === p.userId)) : [];
  const since = (p: Person) => {
    if (p.since) return fill(t('guests.sinceDate'), { date: day(p.since, locale) });
    const g = byId.get(p.userId);
    return g?.invited ? fill(t('guests.invited'), { date: day(g.invited, locale) }) : t('guests.sinceFirstSync');
  };
  return (
    <table className="metrics-table guests-table" data-testid="team-table" data-container={c.id} data-private={c.private || undefined}>
      <caption>
        <strong>{c.channel ? `${c.team} / ${c.channel}` : c.team}</strong> {c.private && <span className="hint">{t('guests.private')}</span>}{' '}
        {c.accountName && <span className="hint">· {c.accountName}</span>}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('guests.col.name')}</th>
          <th scope="col">{t('guests.col.role')}</th>
          <th scope="col">{t('guests.col.state')}</th>
          <th scope="col" title={t('guests.sinceUnknown')}>
            {t('guests.col.since')}
          </th>
          <th scope="col">{t('guests.col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {c.people.map((p) => (
          <tr key={p.userId} data-testid="person-row" data-user={p.userId} data-role={p.role} data-guest={p.guest || undefined}>
            <th scope="row">
              {p.name} <span className="hint">{p.email}</span>
            </th>
            <td>{roleLabel(p.role, t)}</td>
            <td>{p.guest ? stateLabel(p.state, byId.get(p.userId)?.pendingDays, t) : ''}</td>
            <td data-testid="person-since">{since(p)}</td>
            <td className="guests-actions">
              {p.actions.map((a) => (
                <button key={a} type="button" className="link-button" data-testid={`act-${a}`} onClick={() => void plan(a, c.teamId, c.channelId ?? '', p.userId)}>
                  {t(`guests.act.${a}` as MessageKey)}
                </button>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
      {addable.length > 0 && (
        <tfoot>
          <tr>
            <td colSpan={5}>
              <form
                className="knowledge-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (add) void plan('add-channel', c.teamId, c.channelId ?? '', add).then(() => setAdd(''));
                }}
              >
                <label>
                  {t('guests.addToChannel')}{' '}
                  <select value={add} onChange={(e) => setAdd(e.target.value)} data-testid="add-channel-pick">
                    <option value="">{t('guests.addToChannel.pick')}</option>
                    {addable.map((p) => (
                      <option key={p.userId} value={p.userId}>
                        {p.name} ({roleLabel(p.role, t)})
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" disabled={!add} data-testid="add-channel">
                  {t('guests.add')}
                </button>
              </form>
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

function recText(r: Recommendation, t: Translate): string {
  const key = `guests.rec.${r.kind}` as MessageKey;
  return fill(t(key) ?? r.reason, { name: r.name ?? '', days: r.days ?? 0, team: r.team ?? '', channel: r.channel ?? '', until: r.until ?? '' });
}

function Recommendations({ roster, plan, planSettings }: { roster: Roster; plan: Plan; planSettings: PlanSettings }) {
  const { t } = useI18n();
  const recs = roster.recommendations;
  return (
    <section aria-label={t('guests.tab.recommendations')} data-testid="guests-recommendations">
      {recs.length === 0 && <p className="hint">{t('guests.rec.none')}</p>}
      <ul className="knowledge-list">
        {recs.map((r, i) => (
          <li key={`${r.kind}-${r.userId ?? ''}-${r.containerId ?? r.teamId ?? ''}-${i}`} data-testid="recommendation" data-kind={r.kind} data-user={r.userId}>
            <h3>{recText(r, t)}</h3>
            <p className="knowledge-reason">{r.reason}</p>
            <ul>
              {r.evidence.map((e) => (
                <li key={e} className="hint">
                  {e}
                </li>
              ))}
            </ul>
            {r.userId && r.teamId && (r.action === 'remove' || r.action === 'remove-channel') && (
              <button
                type="button"
                data-testid="rec-plan"
                onClick={() => void plan(r.action, r.teamId ?? '', r.action === 'remove-channel' ? (r.containerId ?? '') : '', r.userId ?? '', r.reason)}
              >
                {t('guests.plan')}: {t(`guests.act.${r.action}` as MessageKey)}
              </button>
            )}
            {r.action === 'restrict' && r.teamId && r.settings && (
              <button type="button" data-testid="rec-plan" onClick={() => void planSettings(r.teamId ?? '', r.settings ?? {}, r.reason)}>
                {t('guests.plan')}: {t('guests.act.restrict')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ChangeSet({ changes, cap, names, onChanged }: { changes: Change[]; cap: number; names: Map<string, string>; onChanged(): void }) {
  const { t, locale } = useI18n();
  const [confirm, setConfirm] = useState(false);
  const [code, setCode] = useState<DeviceCode | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const loadAudit = useCallback(() => {
    api.guests.audit().then(setAudit, (e: unknown) => setError(toAppError(e).message));
  }, []);
  useEffect(loadAudit, [loadAudit, changes]);
  useEffect(() => onEvent(Events.outboxPushed, loadAudit), [loadAudit]);
  useEffect(() => onEvent(Events.syncDone, loadAudit), [loadAudit]);
  const [granted, setGranted] = useState(false);
  const asked = useRef(false);
  useEffect(
    () =>
      onEvent(Events.signedIn, () => {
        setCode(null);
        if (asked.current) setGranted(true);
      }),
    [],
  );
  const consent = () => {
    asked.current = true;
    return api.guests.consent().then(setCode, (e: unknown) => setError(toAppError(e).message));
  };
  const apply = (yes: boolean) =>
    api.guests.apply(yes).then(
      (r) => {
        setConfirm(false);
        setError(null);
        setDone(fill(t('guests.changes.queued'), { n: r.queued }));
        onChanged();
        if (r.needsConsent) void consent();
      },
      (e: unknown) => {
        const err = toAppError(e);
        if (err.code === 'confirm_required') {
          setConfirm(true);
          return;
        }
        setError(err.message);
      },
    );
  const discard = (n: number) => api.guests.discard(n).then(onChanged, (e: unknown) => setError(toAppError(e).message));
  const waitingConsent = audit.some((a) => a.result === 'pending' && a.error?.startsWith('waiting for permission'));
  return (
    <section aria-label={t('guests.tab.changes')} data-testid="guests-changes">
      {error && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
      {code && (
        <p className="banner warn" role="status" data-testid="consent-code">
          {fill(t('guests.consent'), { url: '' })}{' '}
          <a href={code.verificationUrl} target="_blank" rel="noopener noreferrer">
            {code.verificationUrl}
          </a>{' '}
          <code>{code.userCode}</code>
        </p>
      )}
      {granted && !code && (
        <p className="status" role="status" data-testid="consent-granted">
          {t('guests.consent.granted')}
        </p>
      )}
      {!code && !granted && waitingConsent && (
        <p className="banner warn" role="status">
          {t('guests.consent.waiting')}{' '}
          <button type="button" onClick={() => void consent()} data-testid="consent-ask">
            {t('guests.consent.ask')}
          </button>
        </p>
      )}
      {changes.length === 0 ? (
        <p className="hint">{t('guests.changes.none')}</p>
      ) : (
        <table className="metrics-table guests-table" data-testid="change-set">
          <caption>{fill(t('guests.changes.count'), { n: changes.length })}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('guests.col.change')}</th>
              <th scope="col">{t('guests.col.before')}</th>
              <th scope="col">{t('guests.col.after')}</th>
              <th scope="col">{t('guests.col.reason')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {changes.map((c, i) => (
              <tr key={c.id} data-testid="change-row" data-action={c.action} data-user={c.userId}>
                <td>{i + 1}</td>
                <th scope="row">{describe(c, t)}</th>
                <td data-testid="change-before">{roleLabel(c.before, t)}</td>
                <td data-testid="change-after">{roleLabel(c.after, t)}</td>
                <td className="hint">{c.reason}</td>
                <td>
                  <button type="button" className="link-button" data-testid="change-discard" onClick={() => void discard(i + 1)}>
                    {t('guests.changes.discard')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirm ? (
        <div className="banner confirm" role="alertdialog" aria-label={t('guests.changes.apply')} data-testid="apply-confirm">
          <span>{fill(t('guests.changes.cap'), { n: changes.length, cap })}</span>
          <button type="button" autoFocus onClick={() => void apply(true)} data-testid="apply-confirm-yes">
            {t('guests.changes.confirm')}
          </button>
          <button type="button" onClick={() => setConfirm(false)}>
            {t('guests.changes.cancel')}
          </button>
        </div>
      ) : (
        changes.length > 0 && (
          <button type="button" onClick={() => void apply(false)} data-testid="apply-changes">
            {t('guests.changes.apply')}
          </button>
        )
      )}
      {done && (
        <p className="status" role="status" data-testid="apply-done">
          {done}
        </p>
      )}
      <h2>{t('guests.audit')}</h2>
      {audit.length === 0 ? (
        <p className="hint">{t('guests.audit.none')}</p>
      ) : (
        <table className="metrics-table guests-table" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">{t('guests.col.when')}</th>
              <th scope="col">{t('guests.col.who')}</th>
              <th scope="col">{t('guests.col.change')}</th>
              <th scope="col">{t('guests.col.result')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((a) => (
              <tr key={a.seq} data-testid="audit-row" data-result={a.result}>
                <td>{when(a.when, locale)}</td>
                <td>{names.get(a.who) ?? a.who}</td>
                <th scope="row">{a.what}</th>
                <td>
                  {t(`guests.result.${a.result}` as MessageKey) ?? a.result}
                  {a.error && <span className="hint"> · {a.error}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Invite({ onPlanned }: { onPlanned(): void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [checked, setChecked] = useState<Import | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const check = (e?: FormEvent) => {
    e?.preventDefault();
    setDone(null);
    api.guests.importInvites(text, true).then(
      (r) => {
        setChecked(r);
        setError(null);
      },
      (err: unknown) => {
        setChecked(null);
        setError(toAppError(err).message);
      },
    );
  };
  const confirm = () =>
    api.guests.importInvites(text, false).then(
      (r) => {
        setChecked(null);
        setDone(fill(t('guests.invite.planned'), { n: r.planned.length }));
        onPlanned();
      },
      (err: unknown) => setError(toAppError(err).message),
    );
  const bad = checked ? checked.rows.filter((r) => r.errors.length > 0) : [];
  return (
    <section aria-label={t('guests.tab.invite')} data-testid="guests-invite">
      <form className="knowledge-form faq-form" onSubmit={check}>
        <label>
          {t('guests.invite.file')}{' '}
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            data-testid="invite-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then((s) => setText(s));
            }}
          />
        </label>
        <label>
          {t('guests.invite.text')}
          <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} data-testid="invite-text" />
        </label>
        <p className="hint">{t('guests.invite.help')}</p>
        <button type="submit" disabled={!text.trim()} data-testid="invite-check">
          {t('guests.invite.check')}
        </button>
      </form>
      {error && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
      {checked && (
        <>
          <p data-testid="invite-summary">{fill(t('guests.invite.summary'), { rows: checked.rows.length, valid: checked.valid, bad: bad.length })}</p>
          {bad.length > 0 && (
            <table className="metrics-table guests-table" data-testid="invite-errors">
              <thead>
                <tr>
                  <th scope="col">{t('guests.col.line')}</th>
                  <th scope="col">{t('guests.col.email')}</th>
                  <th scope="col">{t('guests.col.team')}</th>
                  <th scope="col">{t('guests.col.errors')}</th>
                </tr>
              </thead>
              <tbody>
                {bad.map((r) => (
                  <tr key={r.line} data-testid="invite-error" data-line={r.line} data-errors={r.errors.join(' ')}>
                    <td>{r.line}</td>
                    <th scope="row">{r.email}</th>
                    <td>{r.channel ? `${r.team ?? ''} / ${r.channel}` : r.team}</td>
                    <td>{r.errors.map((c) => t(`guests.row.${c}` as MessageKey) ?? c).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {checked.valid > 0 && (
            <button type="button" onClick={() => void confirm()} data-testid="invite-confirm">
              {fill(t('guests.invite.confirm'), { n: checked.valid })}
            </button>
          )}
        </>
      )}
      {done && (
        <p className="status" role="status" data-testid="invite-done">
          {done} <a href="#/guests/changes">{t('guests.tab.changes')}</a>
        </p>
      )}
    </section>
  );
}

function Review({ roster, onPlanned }: { roster: Roster; onPlanned(): void }) {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState<ReviewStatus | null>(null);
  const [account, setAccount] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api.guests.reviewStatus().then(setStatus, (e: unknown) => setError(toAppError(e).message));
  }, []);
  useEffect(load, [load]);
  const start = (e: FormEvent) => {
    e.preventDefault();
    api.guests.startReview(account).then(load, (err: unknown) => setError(toAppError(err).message));
  };
  const exportAs = (format: 'csv' | 'html') =>
    api.guests.exportReview(format).then(
      (text) => download(`guest-review-${status?.review?.started.slice(0, 10) ?? 'now'}.${format}`, format === 'csv' ? 'text/csv' : 'text/html', text),
      (e: unknown) => setError(toAppError(e).message),
    );
  const finish = () => api.guests.finishReview().then(load, (e: unknown) => setError(toAppError(e).message));
  const rv = status?.review;
  return (
    <section aria-label={t('guests.tab.review')} data-testid="guests-review">
      {error && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
      {status && !rv && (
        <>
          <p className={status.due ? 'banner warn' : 'hint'} data-testid="review-due">
            {status.due ? t('guests.review.due') : fill(t('guests.review.notDue'), { date: day(status.dueAt, locale) })}
          </p>
          <form className="knowledge-form" onSubmit={start}>
            <label>
              {t('guests.review.account')}{' '}
              <select value={account} onChange={(e) => setAccount(e.target.value)} data-testid="review-account">
                <option value="">{t('guests.review.all')}</option>
                {roster.accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" data-testid="review-start">
              {t('guests.review.start')}
            </button>
          </form>
        </>
      )}
      {rv && status && (
        <>
          <p>
            <label>
              {fill(t('guests.review.progress'), { decided: status.decided, total: status.total })}{' '}
              <progress max={status.total} value={status.decided} data-testid="review-progress" />
            </label>
          </p>
          <p className="hint">{t('guests.review.keys')}</p>
          {note && (
            <p className="status" role="status" data-testid="review-note">
              {note}
            </p>
          )}
          <table className="metrics-table guests-table" data-testid="review-table">
            <thead>
              <tr>
                <th scope="col">{t('guests.col.name')}</th>
                <th scope="col">{t('guests.col.state')}</th>
                <th scope="col">{t('guests.col.evidence')}</th>
                <th scope="col">{t('guests.col.recommendation')}</th>
                <th scope="col">{t('guests.col.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {rv.items.map((it) => (
                <ReviewRow
                  key={it.userId}
                  item={it}
                  onDecided={(planned) => {
                    setError(null);
                    setNote(planned > 0 ? fill(t('guests.review.denied'), { n: planned }) : null);
                    load();
                    if (planned > 0) onPlanned();
                  }}
                  onError={setError}
                />
              ))}
            </tbody>
          </table>
          <div className="metrics-actions">
            <button type="button" onClick={() => void exportAs('csv')} data-testid="review-csv">
              {t('guests.review.csv')}
            </button>
            <button type="button" onClick={() => void exportAs('html')} data-testid="review-html">
              {t('guests.review.html')}
            </button>
            <button type="button" onClick={() => void finish()} data-testid="review-finish">
              {t('guests.review.finish')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function ReviewRow({ item, onDecided, onError }: { item: ReviewItem; onDecided(planned: number): void; onError(e: string): void }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState(item.decision ?? '');
  const [why, setWhy] = useState(item.why ?? '');
  const whyRef = useRef<HTMLInputElement>(null);
  const save = (e?: FormEvent) => {
    e?.preventDefault();
    if (!decision) return;
    if (!why.trim()) {
      onError(t('guests.review.whyRequired'));
      whyRef.current?.focus();
      return;
    }
    api.guests.decide(item.userId, decision, why.trim()).then(
      (d) => onDecided(d.planned.length),
      (err: unknown) => onError(toAppError(err).message),
    );
  };
  const keys = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.target !== e.currentTarget) return;
    const d = decisions.find((x) => x.key === e.key.toLowerCase());
    if (d) {
      e.preventDefault();
      setDecision(d.id);
      whyRef.current?.focus();
    }
  };
  return (
    <tr tabIndex={0} onKeyDown={keys} data-testid="review-row" data-user={item.userId} data-decision={item.decision ?? ''}>
      <th scope="row">
        {item.name} <span className="hint">{item.email}</span>
        {item.accountName && <span className="hint"> · {item.accountName}</span>}
      </th>
      <td>{item.state === 'pending' ? t('guests.state.pendingShort') : stateLabel(item.state, undefined, t)}</td>
      <td>
        <ul className="guests-places">
          {item.teams.map((x) => (
            <li key={x} data-user-content="">
              {x}
            </li>
          ))}
          {item.evidence.map((x) => (
            <li key={x} className="hint">
              {x}
            </li>
          ))}
        </ul>
      </td>
      <td>
        {item.recommendation}
        {item.reasons?.map((r) => (
          <div key={r} className="hint">
            {r}
          </div>
        ))}
      </td>
      <td>
        <form className="review-form" onSubmit={save}>
          <fieldset>
            <legend className="visually-hidden">{t('guests.col.decision')}</legend>
            {decisions.map((d) => (
              <label key={d.id}>
                <input type="radio" name={`decision-${item.userId}`} value={d.id} checked={decision === d.id} onChange={() => setDecision(d.id)} data-testid={`decide-${d.id}`} />{' '}
                {t(d.label)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('guests.review.why')} <input ref={whyRef} value={why} maxLength={1000} onChange={(e) => setWhy(e.target.value)} data-testid="decide-why" />
          </label>
          <button type="submit" disabled={!decision} data-testid="decide-save">
            {t('guests.review.save')}
          </button>
        </form>
      </td>
    </tr>
  );
}
