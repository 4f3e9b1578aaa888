import { useState } from 'react';
import type { SavedSearch } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';

// SavedSearches lists saved queries: click one to run it, × to delete it.
export function SavedSearches({ saved, onRun, onDelete }: { saved: SavedSearch[]; onRun(q: string): void; onDelete(id: string): void }) {
  const { t } = useI18n();
  return (
    <section className="saved" aria-labelledby="saved-searches-title">
      <h3 id="saved-searches-title">{t('search.saved')}</h3>
      {saved.length === 0 ? (
        <p className="hint">{t('search.savedNone')}</p>
      ) : (
        <ul>
          {saved.map((s) => (
            <li key={s.id} data-testid="saved-search" data-id={s.id}>
              <button type="button" className="saved-run" title={s.q} onClick={() => onRun(s.q)} data-testid="saved-search-run">
                <span className="saved-name">{s.name}</span>
                <code className="saved-q">{s.q}</code>
              </button>
              <button
                type="button"
                className="saved-delete"
                aria-label={fill(t('search.deleteSaved'), { name: s.name })}
                title={fill(t('search.deleteSaved'), { name: s.name })}
                data-testid="saved-search-delete"
                onClick={() => onDelete(s.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// SaveSearch asks for a name (the query by default) and saves the query.
export function SaveSearch({ q, onSave }: { q: string; onSave(name: string): Promise<void> }) {
  const { t } = useI18n();
  const [name, setName] = useState<string | null>(null); // null: closed
  const [busy, setBusy] = useState(false);
  if (name === null) {
    return (
      <button type="button" className="save-search" data-testid="save-search" onClick={() => setName(q)}>
        {t('search.save')}
      </button>
    );
  }
  return (
    <form
      className="save-form"
      onSubmit={(e) => {
        e.preventDefault();
        const n = name.trim() || q;
        setBusy(true);
        onSave(n).then(
          () => setName(null),
          () => {},
        ).finally(() => setBusy(false));
      }}
    >
      <input
        aria-label={t('search.saveName')}
        data-testid="save-search-name"
        value={name}
        autoFocus
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setName(null)}
      />
      <button type="submit" disabled={busy} data-testid="save-search-confirm">
        {t('search.saveConfirm')}
      </button>
      <button type="button" onClick={() => setName(null)}>
        {t('search.cancel')}
      </button>
    </form>
  );
}
