import type { Unmatched } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';
import { useSearch } from './SearchContext';

// quoteName writes a name as an operator value (quoted when it has a space).
const quoteName = (name: string) => (/[\s"]/.test(name) ? `"${name.replace(/"/g, '')}"` : name);

// UnmatchedNotes says which operators named nothing (from:xu) and offers
// the closest names; choosing one rewrites that operator in the query.
export function UnmatchedNotes({ notes }: { notes: Unmatched[] }) {
  const { t } = useI18n();
  const s = useSearch();
  if (notes.length === 0) return null;
  return (
    <div className="unmatched" role="status" data-testid="unmatched">
      {notes.map((n) => (
        <p key={n.text} data-op={n.op}>
          {fill(t('search.unmatched'), { op: n.op, value: n.value })}
          {n.suggest && n.suggest.length > 0 && (
            <>
              {' '}
              {t('search.unmatched.try')}{' '}
              {n.suggest.map((name) => (
                <button
                  key={name}
                  type="button"
                  className="link"
                  data-testid="unmatched-suggestion"
                  onClick={() => s.setQuery(s.q.replace(n.text, `${n.op}:${quoteName(name)}`), { now: true })}
                >
                  {name}
                </button>
              ))}
            </>
          )}
        </p>
      ))}
    </div>
  );
}
