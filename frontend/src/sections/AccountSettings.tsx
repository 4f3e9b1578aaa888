import { useCallback, useEffect, useState } from 'react';
import { api, Events, onEvent, toAppError } from '../api';
import { useI18n } from '../i18n';

// AccountSettings shows who is signed in to Microsoft 365 and signs out:
// Rapport forgets the sign-in on this computer, the synced data stays.
export function AccountSettings() {
  const { t } = useI18n();
  const [account, setAccount] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(() => {
    api.sync.status().then(
      (s) => setAccount(s.account),
      (e: unknown) => setError(toAppError(e).message),
    );
  }, []);
  useEffect(() => {
    load();
    return onEvent(Events.signedIn, load);
  }, [load]);
  const signOut = () => {
    setBusy(true);
    setError(null);
    api.sync.signOut().then(
      () => {
        setBusy(false);
        load();
      },
      (e: unknown) => {
        setBusy(false);
        setError(toAppError(e).message);
      },
    );
  };
  if (account === null && !error) return null;
  return (
    <section aria-labelledby="account" data-testid="account-settings">
      <h2 id="account">{t('settings.account')}</h2>
      {account ? (
        <>
          <p>
            {t('sync.signedInAs')} <strong data-user-content="">{account}</strong>
          </p>
          <p className="hint">{t('settings.signOutHint')}</p>
          <button type="button" onClick={signOut} disabled={busy} data-testid="sign-out">
            {t('settings.signOut')}
          </button>
        </>
      ) : (
        account !== null && <p className="hint" data-testid="signed-out">{t('settings.notSignedIn')}</p>
      )}
      {error && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
