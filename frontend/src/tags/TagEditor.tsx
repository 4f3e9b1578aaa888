import { useState, type FormEvent } from 'react';
import { api, toAppError, type TagColor } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';

// TagChip shows one tag; a hashtag (from the text) is written with '#'.
export function TagChip({ name, color, kind = 'own', onRemove }: {
  name: string;
  color?: TagColor | '' | undefined;
  kind?: 'own' | 'inherited' | 'hashtag';
  onRemove?: () => void;
}) {
  const { t } = useI18n();
  return (
    <span className={`tag-chip ${kind}`} data-color={color || undefined} data-tag={name} data-testid="tag-chip" title={kind === 'inherited' ? t('tags.inherited') : undefined}>
      <span data-user-content="">{kind === 'hashtag' ? `#${name}` : name}</span>
      {onRemove && (
        <button type="button" className="tag-remove" aria-label={fill(t('tags.remove'), { tag: name })} onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}

// TagEditor shows a conversation's, thread's or message's own tags (each
// removable), the tags it inherits (from its thread or conversation), and
// a field to add one: type it, Enter. Keyboard first: the field and every
// remove button are in the tab order.
export function TagEditor({ target, tags, inherited = [], label, onChange }: {
  target: string;
  tags: string[];
  inherited?: string[];
  label: string;
  onChange(tags: string[]): void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = async (add: string[], remove: string[]) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await api.tags.set(target, add, remove));
      return true;
    } catch (e) {
      setError(toAppError(e).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const add = text.split(/[\s,，]+/).map((s) => s.replace(/^#/, '')).filter(Boolean);
    if (add.length > 0 && (await edit(add, []))) setText('');
  };
  return (
    <form className="tag-editor" data-testid="tag-editor" data-target={target} onSubmit={submit} aria-label={label}>
      {tags.map((tg) => (
        <TagChip key={tg} name={tg} onRemove={() => void edit([], [tg])} />
      ))}
      {inherited.filter((tg) => !tags.includes(tg)).map((tg) => (
        <TagChip key={`i-${tg}`} name={tg} kind="inherited" />
      ))}
      <input
        className="tag-input"
        value={text}
        disabled={busy}
        onChange={(e) => setText(e.target.value)}
        aria-label={fill(t('tags.addTo'), { what: label })}
        placeholder={t('tags.addPlaceholder')}
        data-testid="tag-input"
      />
      {error && (
        <span className="status error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
