import { api, type RecordCard } from '../api';
import { useI18n } from '../i18n';
import { fill, when } from '../i18n/format';
import { conversationHash, recordHash } from '../display/routes';
import { useLinks } from './LinksContext';
import { CardFields, KindBadge, OpenInDynamics } from './parts';
import { useLatest } from './useLatest';

// mentionLimit is how many messages mentioning a record's number show.
const mentionLimit = 10;

// RecordDetails is the top of a record's page: every field under
// Dynamics' names, the records it belongs to and those under it (each
// opens its own page), and the newest messages that mention its number.
export function RecordDetails({ set, id }: { set: string; id: string }) {
  const { t, locale } = useI18n();
  const { version } = useLinks();
  const { data: page, error } = useLatest(() => api.links.record(set, id), [set, id, version]);
  const number = page?.number ?? '';
  const { data: mentions } = useLatest(
    () => (number ? api.search.query({ q: `"${number}"`, sort: 'date', offset: 0, size: mentionLimit, facets: false }) : Promise.resolve(null)),
    [number, version],
  );
  if (error) return <p className="status error">{error}</p>;
  if (!page) return <p className="hint">{t('loading')}</p>;
  const list = (cards: RecordCard[], testid: string, label: string) =>
    cards.length > 0 && (
      <section className="record-related" data-testid={testid}>
        <h3>{label}</h3>
        <ul>
          {cards.map((c) => (
            <li key={`${c.set}/${c.id}`}>
              <a href={recordHash(c.set, c.id)} data-testid="related-record" data-set={c.set} data-id={c.id}>
                <KindBadge set={c.set} /> <span data-user-content="">{c.title || c.id}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    );
  const hits = (mentions?.hits ?? []).filter((h) => h.kind === 'message' && h.conv && h.message);
  return (
    <div className="record-details" data-testid="record-details">
      {page.card.waiting && <p className="hint" data-testid="record-waiting">{t('links.waiting')}</p>}
      <CardFields card={page.card} />
      <OpenInDynamics url={page.card.url} />
      {list(page.parents, 'record-parents', t('record.parents'))}
      {list(page.children, 'record-children', t('record.children'))}
      {number && (
        <section className="record-mentions" data-testid="record-mentions">
          <h3>{t('record.mentions')}</h3>
          {mentions && hits.length === 0 && <p className="hint">{t('record.noMentions')}</p>}
          {hits.length > 0 && (
            <ul>
              {hits.map((h) => (
                <li key={h.id}>
                  <a href={conversationHash(h.conv!.id, h.message!.id)} data-testid="record-mention">
                    <strong data-user-content="">{h.message!.from}</strong> · <span data-user-content="">{h.conv!.team ? `${h.conv!.team} › ${h.conv!.name}` : h.conv!.name}</span> ·{' '}
                    <time dateTime={h.message!.created}>{when(h.message!.created, locale)}</time>
                  </a>
                  <p className="snippet" data-user-content="">{h.snippet.map((f) => f.t).join('')}</p>
                </li>
              ))}
            </ul>
          )}
          {mentions && mentions.total > hits.length && (
            <p className="hint" data-testid="record-mentions-more">
              {fill(t('record.moreMentions'), { n: mentions.total.toLocaleString(locale), q: `"${number}"` })}
            </p>
          )}
        </section>
      )}
    </div>
  );
}
