import { useEffect, useState } from 'react';
import { api, Events, onEvent, toAppError, type DeviceCode, type ErrorBody, type Progress, type SyncStatus } from '../api';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { fill, when } from '../i18n/format';
import { PendingButton } from '../links/PendingChanges';
import { duration } from '../metrics/format';

// SyncBar shows who is signed in, sync progress or the last result, and a
// Sync now button. onSynced runs after every finished round.
export function SyncBar({ onSynced }: { onSynced: () => void }) {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState<DeviceCode | null>(null);

  const refresh = () => api.sync.status().then(setStatus, (e: unknown) => setError(toAppError(e).message));
  useEffect(() => {
    refresh();
    const offP = onEvent(Events.syncProgress, (p) => setProgress(p));
    const offD = onEvent(Events.syncDone, () => {
      setProgress(null);
      refresh();
      onSynced();
    });
    const offS = onEvent(Events.signedIn, () => {
      setCode(null);
      setBrowserWait(false);
      refresh();
    });
    const offF = onEvent(Events.signInFailed, (e) => {
      setCode(null);
      setBrowserWait(false);
      setError(e.message);
    });
    const offC = onEvent(Events.connectionChanged, () => {
      setCode(null);
      setBrowserWait(false);
      setError(null);
      refresh();
    });
    return () => {
      offP();
      offD();
      offS();
      offF();
      offC();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const signIn = () => {
    setError(null);
    api.sync.signIn().then(setCode, (e: unknown) => setError(toAppError(e).message));
  };
  const [browserWait, setBrowserWait] = useState(false);
  const signInBrowser = () => {
    setError(null);
    // Open the tab now, inside the click, so no popup blocker objects; the
    // window app opens the system browser itself.
    const tab = api.mode() === 'http' ? window.open('about:blank', '_blank') : null;
    api.sync.signInBrowser().then(
      (url) => {
        setBrowserWait(true);
        if (tab) tab.location.href = url;
      },
      (e: unknown) => {
        tab?.close();
        setError(toAppError(e).message);
      },
    );
  };
  const start = () => {
    setError(null);
    api.sync.start(false).then(refresh, (e: unknown) => setError(toAppError(e).message));
  };
  if (!status) return null;
  const running = status.running || progress !== null;
  const last = status.last;
  return (
    <div className="syncbar" data-testid="syncbar" aria-live="polite">
      {status.account && (
        <span className="account">
          {t('sync.signedInAs')} <strong>{status.account}</strong>
        </span>
      )}
      <span className="state" data-testid="sync-state" data-state={state(status, running)}
        title={status.signedOut ?? status.notReadyDetail ?? last?.error?.message}>
        {!status.canSync ? (
          <>
            {notReadyText(status, t)}{' '}
            <a href="#/settings/connection" data-testid="set-up">
              {t('sync.setUp')}
            </a>
          </>
        ) : running ? (
          <>
            {t('sync.running')}
            {/* Counts only once the round knows them: never "0/0". */}
            {progress && progress.total > 0 && (
              <>
                {' '}
                <progress className="sync-progress" data-testid="sync-progress" max={progress.total} value={progress.done} />{' '}
                {progressText(progress, t, locale)}
              </>
            )}
          </>
        ) : status.signedOut ? (
          t('sync.signedOut')
        ) : last?.error ? (
          `${t('sync.failed')}${t('colon')}${errorText(last.error, t)}`
        ) : last ? (
          `${t('sync.last')}${t('colon')}${when(last.progress.started, locale)} · ${resultText(last.progress, t, locale)}`
        ) : (
          t('sync.never')
        )}
      </span>
      {error && <span className="state error">{error}</span>}
      {code && (
        <span className="device-code" data-testid="device-code">
          {t('sync.openAndEnter')}{' '}
          <a href={code.verificationUrl} target="_blank" rel="noopener noreferrer">
            {code.verificationUrl}
          </a>{' '}
          <code>{code.userCode}</code>
        </span>
      )}
      {browserWait && <span className="state">{t('sync.continueInBrowser')}</span>}
      {status.canSync && !status.account && !code && !browserWait && (
        <>
          <button type="button" onClick={signInBrowser} data-testid="sign-in-browser">
            {t('sync.signIn')}
          </button>
          <button type="button" onClick={signIn} data-testid="sign-in-code">
            {t('sync.signInCode')}
          </button>
        </>
      )}
      <PendingButton />
      <button type="button" onClick={start} disabled={!status.canSync || !status.account || running} data-testid="sync-now">
        {t('sync.now')}
      </button>
    </div>
  );
}

// state names what the sync bar shows, for tests and styles.
function state(s: SyncStatus, running: boolean): string {
  if (!s.canSync) return `not-ready:${s.notReady ?? ''}`;
  if (running) return 'running';
  if (s.signedOut) return 'signed-out';
  if (s.last?.error) return 'failed';
  return s.last ? 'done' : 'never';
}

// notReadyText says, in the UI language, why sync cannot run.
function notReadyText(s: SyncStatus, t: Translate): string {
  const text = t(`sync.notReady.${s.notReady ?? ''}` as MessageKey);
  return text ?? t('sync.notReady.other');
}

// errorText words a failed round: known codes in the UI language, the
// rest as Go said it.
function errorText(e: ErrorBody, t: Translate): string {
  return t(`sync.error.${e.code}` as MessageKey) ?? e.message;
}

// resultText says what a round brought in ("up to date" when nothing,
// never "0 messages"); failed sources only when some failed (never "0
// errors").
function resultText(p: Progress, t: Translate, locale: string): string {
  let text = p.messages + p.records > 0 ? fill(t('sync.written'), { messages: p.messages, records: p.records }, locale) : t('sync.upToDate');
  if (p.errors > 0) text += ` · ${fill(t(p.errors === 1 ? 'sync.sourcesFailed.one' : 'sync.sourcesFailed.other'), { n: p.errors })}`;
  return text;
}

// progressText says what is being synced, how far, how fast (once
// messages arrive: never "0/s"), and how long is left, for the locale.
export function progressText(p: Progress, t: Translate, locale: string, now = Date.now()): string {
  const secs = Math.max(1, (now - new Date(p.started).getTime()) / 1000);
  const rate = Math.round(p.messages / secs);
  let text = fill(t('sync.progress'), { done: p.done, total: p.total, messages: p.messages }, locale);
  if (rate > 0) text += ` · ${fill(t('sync.rate'), { n: rate }, locale)}`;
  if (p.eta) text += ` · ${t('sync.eta')} ${duration(p.eta, locale)}`;
  return p.current ? `${text} — ${p.current}` : text;
}
