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

// width is a text's width in Latin letters (a CJK character counts two).
const width = (s: string) => [...s].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);

// cut is the longest head (or, from the end, tail) of s no wider than w.
function cut(s: string, w: number, fromEnd = false): string {
  const cs = fromEnd ? [...s].reverse() : [...s];
  let out = '';
  let n = 0;
  for (const c of cs) {
    n += width(c);
    if (n > w) break;
    out = fromEnd ? c + out : out + c;
  }
  return out;
}

// shortLabels fits labels into max widths of text. A label that fits is
// kept; a long one is cut at its end, unless another label begins the
// same way (teams and their channels, people with one surname): then its
// middle goes, so the part that tells them apart stays ("【VIP】华…售后支持").
export function shortLabels(labels: string[], max: number): string[] {
  const head = (l: string) => cut(l, max - 1);
  return labels.map((l) => {
    if (width(l) <= max) return l;
    const clash = labels.some((o) => o !== l && width(o) > max - 1 && head(o) === head(l));
    if (!clash) return `${head(l)}…`;
    const front = Math.floor((max - 1) / 3);
    return `${cut(l, front)}…${cut(l, max - 1 - front, true)}`;
  });
}

// facetWidth is what the side column shows of a value (in Latin letters).
export const facetWidth = 22;

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
      {shown.map((f) => {
        const full = f.values.map((v) => facetLabel(f.dim, v, t, locale));
        const short = shortLabels(full, facetWidth);
        return (
          <section key={f.dim} data-dim={f.dim}>
            <h3>{t(`search.facet.${f.dim}` as MessageKey)}</h3>
            <ul>
              {f.values.map((v, i) => (
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
                    <span
                      className="facet-label"
                      title={short[i] === full[i] ? undefined : full[i]}
                      {...(f.dim === 'month' || f.dim === 'kind' ? {} : { 'data-user-content': '' })}
                    >
                      {short[i]}
                    </span>
                    <span className="facet-count">{v.count.toLocaleString(locale)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
