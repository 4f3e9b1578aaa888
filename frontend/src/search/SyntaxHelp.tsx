import { useI18n, type MessageKey } from '../i18n';

// The operators the query parser understands (search/query in Go), each
// with an example and what it does.
const ops: [string, MessageKey][] = [
  ['from:"Li Wei"', 'search.help.from'],
  ['to:alice', 'search.help.to'],
  ['in:Contoso', 'search.help.in'],
  ['tag:付款  #付款', 'search.help.tag'],
  ['mentions:bob', 'search.help.mentions'],
  ['has:attachment  has:image  has:link  has:reaction', 'search.help.has'],
  ['is:urgent  is:important', 'search.help.importance'],
  ['is:unanswered', 'search.help.unanswered'],
  ['is:deleted', 'search.help.deleted'],
  ['record:incidents', 'search.help.record'],
  ['before:2026-03-01  after:2026-01-31', 'search.help.dates'],
  ['during:2026-03', 'search.help.during'],
  ['"exact words"', 'search.help.phrase'],
  ['invoice OR 发票', 'search.help.or'],
  ['NOT draft  -draft', 'search.help.not'],
  ['(a OR b) c', 'search.help.group'],
];

export function SyntaxHelp() {
  const { t } = useI18n();
  return (
    <section className="syntax-help" data-testid="syntax-help">
      <h3>{t('search.syntax')}</h3>
      <p className="hint">{t('search.help.intro')}</p>
      <dl>
        {ops.map(([op, key]) => (
          <div key={key}>
            <dt>
              <code>{op}</code>
            </dt>
            <dd>{t(key)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
