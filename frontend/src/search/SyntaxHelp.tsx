import { useI18n, type MessageKey } from '../i18n';
import help from './help.json';

// The operators the query parser understands (search/query in Go), each
// with an example and what it does. The examples are real queries on the
// demo's data: Go's TestHelpExamples runs each one from the same file.
const ops = help as { example: string; key: MessageKey }[];

export function SyntaxHelp() {
  const { t } = useI18n();
  return (
    <section className="syntax-help" data-testid="syntax-help">
      <h3>{t('search.syntax')}</h3>
      <p className="hint">{t('search.help.intro')}</p>
      <dl>
        {ops.map(({ example, key }) => (
          <div key={key}>
            <dt>
              <code>{example}</code>
            </dt>
            <dd>{t(key)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
