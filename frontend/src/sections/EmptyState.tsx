import { useI18n, type MessageKey } from '../i18n';
import { Text } from '../i18n/Text';

// EmptyState says what a section will show and how data gets there.
export function EmptyState({ what }: { what: MessageKey }) {
  const { t } = useI18n();
  return (
    <div className="empty" data-testid="empty-state">
      <p className="empty-what"><Text>{t(what)}</Text></p>
      <div className="empty-card">
        <h2>{t('empty.nothingYet')}</h2>
        <h3>{t('howto.title')}</h3>
        <p>
          <Text>{t('howto.sync')}</Text>
        </p>
      </div>
    </div>
  );
}

// SetupPanel greets a first run: Rapport is not connected to Microsoft 365
// yet, and the connection form in Settings is where that happens.
export function SetupPanel() {
  const { t } = useI18n();
  return (
    <div className="banner setup" role="region" aria-labelledby="setup-title" data-testid="setup-panel">
      <h2 id="setup-title">{t('setup.title')}</h2>
      <p>{t('setup.body')}</p>
      <a className="button" href="#/settings/connection" data-testid="setup-go">
        {t('sync.setUp')}
      </a>
    </div>
  );
}
