import { useI18n, type MessageKey } from '../i18n';
import { Text } from '../i18n/Text';

// EmptyState says what a section will show and how data gets there.
export function EmptyState({ what }: { what: MessageKey }) {
  const { t } = useI18n();
  return (
    <div className="empty" data-testid="empty-state">
      <p className="empty-what">{t(what)}</p>
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
