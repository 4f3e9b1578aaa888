import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import {
  api, Events, onEvent, toAppError, type AppError, type CloudName, type ConnectionCheck, type ConnectionField, type ConnectionFields,
  type ConnectionView, type TenantChoice,
} from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill } from '../i18n/format';

// The Microsoft 365 connection in Settings: the cloud, the tenant, the app
// registration and the Dynamics 365 address (plus other sign-in and Graph
// addresses under "advanced"), saved in the store and checked by Go.
// Fields a flag or RAPPORT_* variable sets are shown read-only.

type Form = Required<Omit<ConnectionFields, 'cloud'>> & { cloud: CloudName };

const textFields = ['tenant', 'clientId', 'dataverseUrl', 'authorityUrl', 'graphUrl'] as const;

function formOf(v: ConnectionView): Form {
  // Locked fields show the value in use; the others what Settings holds.
  const pick = (f: (typeof textFields)[number]) => (v.locked[f] ? v.effective[f] : v.saved[f]) ?? '';
  const cloud = (v.locked.cloud ? v.effective.cloud : v.saved.cloud) || 'global';
  return {
    cloud: cloud as CloudName, tenant: pick('tenant'), clientId: pick('clientId'), dataverseUrl: pick('dataverseUrl'),
    authorityUrl: pick('authorityUrl'), graphUrl: pick('graphUrl'),
  };
}

interface Problem {
  field?: string | undefined;
  text: string; // in the UI language
  detail: string; // Go's message, as a technical detail
}

// problemOf turns a failed save into words: the reason or code when the
// catalogue has it, else the generic line with Go's message.
function problemOf(e: AppError, t: (k: MessageKey) => string): Problem {
  const key = `connection.error.${e.reason ?? e.code}` as MessageKey;
  const text = t(key);
  return { field: e.field, text: text ?? t('connection.error.other'), detail: e.message };
}

export function ConnectionSettings({ focus = false }: { focus?: boolean }) {
  const { t } = useI18n();
  const [view, setView] = useState<ConnectionView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [change, setChange] = useState<{ from: string; to: string } | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const [sure, setSure] = useState(false);
  const [check, setCheck] = useState<ConnectionCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const section = useRef<HTMLElement>(null);
  const edited = useRef(false);

  const load = (reset: boolean) =>
    api.connection.get().then(
      (v) => {
        setView(v);
        setLoadError(null);
        if (reset || !edited.current) setForm(formOf(v));
        if (v.saved.authorityUrl || v.saved.graphUrl || v.locked.authorityUrl || v.locked.graphUrl) setAdvanced(true);
      },
      (e: unknown) => setLoadError(toAppError(e).message),
    );
  useEffect(() => {
    load(true);
    const offC = onEvent(Events.connectionChanged, () => load(false));
    const offS = onEvent(Events.signedIn, () => {
      setSaved(null); // "sign in from the bar" is done, or moot
      load(false);
    });
    return () => {
      offC();
      offS();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (focus && view) section.current?.scrollIntoView?.({ block: 'start' });
  }, [focus, view]);

  const set = (patch: Partial<Form>) => {
    edited.current = true;
    setForm((f) => (f ? { ...f, ...patch } : f));
    setSaved(null);
  };
  const save = (choice: TenantChoice) => {
    if (!form) return;
    setBusy(true);
    setProblem(null);
    setSaved(null);
    api.connection.save(form, choice).then(
      (v) => {
        edited.current = false;
        setBusy(false);
        setChange(null);
        setView(v);
        setForm(formOf(v));
        setCheck(null);
        setSaved(v.account ? t('connection.savedSignedIn') : t('connection.saved'));
      },
      (e: unknown) => {
        setBusy(false);
        const err = toAppError(e);
        if (err.code === 'tenant_change') {
          setChange({ from: view?.origin.tenantId ?? '', to: form.tenant });
          return;
        }
        const p = problemOf(err, t);
        if (p.field === 'authorityUrl' || p.field === 'graphUrl') setAdvanced(true);
        setProblem(p);
      },
    );
  };
  const startOver = () => {
    setBusy(true);
    api.connection.startOver().then(
      (v) => {
        setBusy(false);
        setSure(false);
        setView(v);
      },
      (e: unknown) => {
        setBusy(false);
        setProblem(problemOf(toAppError(e), t));
      },
    );
  };
  const runCheck = () => {
    setChecking(true);
    setCheck(null);
    api.connection.check().then(
      (c) => {
        setChecking(false);
        setCheck(c);
      },
      (e: unknown) => {
        setChecking(false);
        setProblem(problemOf(toAppError(e), t));
      },
    );
  };

  const heading = <h2 id="connection">{t('settings.connection')}</h2>;
  if (!view || !form) {
    return (
      <section aria-labelledby="connection" ref={section} data-testid="connection">
        {heading}
        {loadError ? <p className="status error">{loadError}</p> : <p>{t('loading')}</p>}
      </section>
    );
  }
  const cloudInfo = view.clouds.find((c) => c.name === form.cloud) ?? view.clouds[0];
  const errorFor = (f: ConnectionField) => (problem?.field === f ? problem : null);
  const locked = Object.keys(view.locked).length > 0;
  return (
    <section aria-labelledby="connection" ref={section} data-testid="connection" className="connection">
      {heading}
      <p className="hint">{t('connection.intro')}</p>
      <ConnectionState view={view} />
      {view.origin.readOnly && (
        <div className="banner warn" role="status" data-testid="conn-readonly">
          <p>{fill(t('connection.readOnly'), { from: view.origin.tenantId ?? '' })}</p>
          {!sure ? (
            <button type="button" onClick={() => setSure(true)} data-testid="conn-start-over">
              {t('connection.startOver')}
            </button>
          ) : (
            <button type="button" className="danger" disabled={busy} onClick={startOver} data-testid="conn-start-over-sure">
              {t('connection.startOverSure')}
            </button>
          )}
        </div>
      )}
      <form
        className="conn-form"
        onSubmit={(e) => {
          e.preventDefault();
          save('');
        }}
      >
        <LabeledField label={t('settings.cloud')} lockedBy={view.locked.cloud} error={errorFor('cloud')}>
          {(id) => (
            <select id={id} data-testid="conn-cloud" value={form.cloud} disabled={!!view.locked.cloud}
              onChange={(e) => set({ cloud: e.target.value as CloudName })}>
              {view.clouds.map((c) => (
                <option key={c.name} value={c.name}>
                  {t(`settings.cloud.${c.name}`)}
                </option>
              ))}
            </select>
          )}
        </LabeledField>
        <TextField name="tenant" label={t('settings.tenant')} hint={t('connection.tenantHint')} placeholder="contoso.onmicrosoft.com"
          form={form} view={view} set={set} error={errorFor('tenant')} />
        <TextField name="clientId" label={t('settings.clientId')} hint={t('connection.clientIdHint')}
          placeholder="00000000-0000-0000-0000-000000000000" form={form} view={view} set={set} error={errorFor('clientId')} />
        <TextField name="dataverseUrl" label={t('settings.dataverse')}
          hint={fill(t('connection.dataverseHint'), { example: cloudInfo?.dataverseExample ?? '' })}
          placeholder={cloudInfo?.dataverseExample ?? ''} form={form} view={view} set={set} error={errorFor('dataverseUrl')} />
        <details open={advanced} onToggle={(e) => setAdvanced((e.target as HTMLDetailsElement).open)} data-testid="conn-advanced">
          <summary>{t('connection.advanced')}</summary>
          <TextField name="authorityUrl" label={t('settings.authority')} hint={fill(t('connection.defaultHint'), { url: cloudInfo?.authorityUrl ?? '' })}
            placeholder={cloudInfo?.authorityUrl ?? ''} form={form} view={view} set={set} error={errorFor('authorityUrl')} />
          <TextField name="graphUrl" label={t('settings.graph')} hint={fill(t('connection.defaultHint'), { url: cloudInfo?.graphUrl ?? '' })}
            placeholder={cloudInfo?.graphUrl ?? ''} form={form} view={view} set={set} error={errorFor('graphUrl')} />
        </details>
        {locked && <p className="hint">{t('settings.connectionHelp')}</p>}
        {problem && !problem.field && (
          <p className="status error" role="alert" data-testid="conn-error">
            {problem.text} <code>{problem.detail}</code>
          </p>
        )}
        {change ? (
          <div className="banner warn" role="alert" data-testid="conn-change">
            <strong>{t('connection.change.title')}</strong>
            <p>{fill(t('connection.change.body'), change)}</p>
            <div className="choices">
              <div>
                <button type="button" disabled={busy} onClick={() => save('start_over')} data-testid="conn-choice-start-over">
                  {t('connection.change.startOver')}
                </button>
                <p className="hint">{t('connection.change.startOverHint')}</p>
              </div>
              <div>
                <button type="button" disabled={busy} onClick={() => save('keep_read_only')} data-testid="conn-choice-keep">
                  {t('connection.change.keep')}
                </button>
                <p className="hint">{t('connection.change.keepHint')}</p>
              </div>
              <button type="button" onClick={() => setChange(null)} data-testid="conn-choice-cancel">
                {t('connection.change.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <div className="actions">
            <button type="submit" disabled={busy} data-testid="conn-save">
              {busy ? t('connection.saving') : t('connection.save')}
            </button>
            <button type="button" disabled={checking || !view.ready} onClick={runCheck} data-testid="conn-check">
              {checking ? t('connection.check.running') : t('connection.check')}
            </button>
            <span role="status" className="status" data-testid="conn-saved">
              {saved}
            </span>
          </div>
        )}
      </form>
      {check && <CheckResult check={check} />}
      <AppRegistration view={view} />
    </section>
  );
}

// ConnectionState says whether sync can run and, if not, what is missing.
function ConnectionState({ view }: { view: ConnectionView }) {
  const { t } = useI18n();
  const lines: { key: string; text: string; error?: boolean; detail?: string }[] = [];
  if (view.problem) {
    lines.push({ key: 'problem', text: t('connection.problem'), error: true, detail: view.problem.message });
  } else if (view.missing.includes('no_client_id')) {
    lines.push({ key: 'no_client_id', text: t('connection.missing.no_client_id'), error: true });
  } else if (view.ready) {
    lines.push({ key: 'ready', text: view.account ? fill(t('connection.signedIn'), { account: view.account }) : t('connection.ready') });
  }
  for (const m of view.missing) {
    if (m !== 'no_client_id') lines.push({ key: m, text: t(`connection.missing.${m}`) });
  }
  if (view.origin.tenantId && !view.origin.readOnly) lines.push({ key: 'origin', text: fill(t('connection.origin'), { tenant: view.origin.tenantId }) });
  return (
    <ul className="conn-state" data-testid="conn-state">
      {lines.map((l) => (
        <li key={l.key} data-state={l.key} className={l.error ? 'status error' : undefined}>
          {l.text}
          {l.detail && <code>{l.detail}</code>}
        </li>
      ))}
    </ul>
  );
}

function LabeledField({ label, lockedBy, hint, error, children }: {
  label: string;
  lockedBy?: string | undefined;
  hint?: string;
  error: Problem | null;
  children: (id: string) => ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field conn-field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {lockedBy ? (
        <p className="hint locked">{fill(t('connection.lockedBy'), { source: lockedBy })}</p>
      ) : (
        hint && <p className="hint">{hint}</p>
      )}
      {error && (
        <p className="status error" role="alert">
          {error.text} <code>{error.detail}</code>
        </p>
      )}
    </div>
  );
}

function TextField({ name, label, hint, placeholder, form, view, set, error }: {
  name: (typeof textFields)[number];
  label: string;
  hint: string;
  placeholder: string;
  form: Form;
  view: ConnectionView;
  set: (p: Partial<Form>) => void;
  error: Problem | null;
}) {
  const lockedBy = view.locked[name];
  return (
    <LabeledField label={label} lockedBy={lockedBy} hint={hint} error={error}>
      {(id) => (
        <input
          id={id}
          data-testid={`conn-${name}`}
          value={form[name]}
          placeholder={placeholder}
          disabled={!!lockedBy}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          onChange={(e) => set({ [name]: e.target.value })}
        />
      )}
    </LabeledField>
  );
}

function CheckResult({ check }: { check: ConnectionCheck }) {
  const { t } = useI18n();
  const dvError = check.dataverseError;
  const dvText = dvError ? t(`connection.dvError.${dvError.code}` as MessageKey) ?? dvError.message : '';
  return (
    <ul className="conn-check" data-testid="conn-check-result">
      <li data-check="discovery" className={check.discovery ? 'status error' : undefined}>
        {check.discovery
          ? `${t('connection.check.discoveryFailed')} ${t(`connection.error.${check.discovery.code}` as MessageKey) ?? check.discovery.message}`
          : check.tenantId
            ? fill(t('connection.check.discoveryOk'), { tenant: check.tenantId })
            : t('connection.check.discoveryOkAlias')}
      </li>
      <li data-check="account">{check.account ? fill(t('connection.check.account'), { account: check.account }) : t('connection.check.noAccount')}</li>
      <li data-check="dataverse" className={check.dataverse === 'failed' ? 'status error' : undefined}>
        {check.dataverse === 'ok'
          ? fill(t('connection.check.dv.ok'), { user: check.dataverseUserId ?? '' })
          : check.dataverse === 'failed'
            ? `${t('connection.check.dv.failed')} ${dvText}`
            : t(`connection.check.dv.${check.dataverse}`)}
        {dvError && <code>{dvError.message}</code>}
      </li>
    </ul>
  );
}

// AppRegistration explains what an app registration is and what Rapport's
// needs, with the permission list Go uses.
function AppRegistration({ view }: { view: ConnectionView }) {
  const { t } = useI18n();
  const p = view.permissions;
  return (
    <details className="app-registration" data-testid="app-registration" open={view.missing.includes('no_client_id')}>
      <summary>{t('connection.appReg.title')}</summary>
      <p>{t('connection.appReg.body')}</p>
      <p>{fill(t('connection.appReg.platform'), { redirect: p.redirectUri })}</p>
      <p>{t('connection.appReg.perms')}</p>
      <dl className="facts">
        <div>
          <dt>Microsoft Graph</dt>
          <dd data-testid="perms-graph">
            {p.graph.map((g) => (
              <code key={g}>{g}</code>
            ))}
          </dd>
        </div>
        <div>
          <dt>Dynamics CRM</dt>
          <dd data-testid="perms-dataverse">
            {p.dataverse.map((g) => (
              <code key={g}>{g}</code>
            ))}
          </dd>
        </div>
      </dl>
      <p className="hint">{t('connection.appReg.consent')}</p>
    </details>
  );
}
