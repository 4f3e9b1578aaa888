import type { Facet, FacetDim, FacetValue } from '../api';
import { useI18n, type Locale, type MessageKey, type Translate } from '../i18n';
import { isRecordSet, recordsLabel } from '../display/crm';
import { hasClause } from './query';
import { fill } from '../i18n/format';

// Who, where, when, tags, type: the order facets are shown in.
const order: FacetDim[] = ['from', 'in', 'month', 'tag', 'kind'];

const kinds = ['message', 'record'];

// facetLabel localises what can be: kinds (message, record or a record
// set) and months (2026-03); names and tags are shown as they are.
export function facetLabel(dim: FacetDim, v: FacetValue, t: Translate, locale: Locale): string {
  if (dim === 'kind' && kinds.includes(v.label)) return t(`search.kind.${v.label}` as MessageKey);
  if (dim === 'kind' && isRecordSet(v.label)) return recordsLabel(v.label, t);
  const m = dim === 'month' ? /^(\d{4})-(\d{2})$/.exec(v.label) : null;
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, 1).toLocaleDateString(locale, { year: 'numeric', month: 'long' });
  return v.label;
}

// Facets lists each dimension's values with counts; a click ANDs the
// value's clause into the query (a second click takes it out again).
// When of > 0 the counts are of the top `of` results only, and it says so.
export function Facets({ facets, of = 0, q, onToggle }: { facets: Facet[]; of?: number; q: string; onToggle(filter: string): void }) {
  const { t, locale } = useI18n();
  const shown = [...facets].filter((f) => f.values.length > 0).sort((a, b) => order.indexOf(a.dim) - order.indexOf(b.dim));
  if (shown.length === 0) return null;
  return (
    <nav className="facets" aria-label={t('search.facets')} data-testid="facets">
      {of > 0 && (
        <p className="facets-of" data-testid="facets-of">
          {fill(t('search.facetsOf'), { n: of.toLocaleString(locale) })}
        </p>
      )}
      {shown.map((f) => (
        <section key={f.dim} data-dim={f.dim}>
          <h3>{t(`search.facet.${f.dim}` as MessageKey)}</h3>
          <ul>
            {f.values.map((v) => (
              <li key={v.filter}>
                <button
                  type="button"
                  className="facet"
                  aria-pressed={hasClause(q, v.filter)}
                  data-testid="facet"
                  data-dim={f.dim}
                  data-filter={v.filter}
                  onClick={() => onToggle(v.filter)}
                >
                  <span className="facet-label" {...(f.dim === 'month' || f.dim === 'kind' ? {} : { 'data-user-content': '' })}>{facetLabel(f.dim, v, t, locale)}</span>
                  <span className="facet-count">{v.count.toLocaleString(locale)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
