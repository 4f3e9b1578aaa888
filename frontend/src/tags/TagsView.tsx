import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, toAppError, type Tag, type TagColor, type TagEditResult, type TagList } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { Text } from '../i18n/Text';
import { fill } from '../i18n/format';
import { TagChip } from './TagEditor';

type Op = 'rename' | 'merge' | 'delete';

// Go's tag colours (tags.Colors), every one: the type checker wants each
// TagColor here, so a colour added in Go fails until it is offered.
const colorSet: Record<TagColor, true> = { red: true, orange: true, yellow: true, green: true, teal: true, blue: true, purple: true, pink: true, gray: true };
export const tagColors = Object.keys(colorSet) as TagColor[];

// A change asked for, its dry run shown, waiting for the user's yes.
interface Pending {
  op: Op | 'bulk';
  run(dryRun: boolean): Promise<TagEditResult>;
  preview: TagEditResult;
}

// TagsView is the Knowledge section's Tags list: the user's tags with
// their counts, colours and aliases; rename, merge and delete, each
// showing how many items it touches before it runs; undo of the last
// bulk change; tagging every result of a search; and the hashtags found
// in messages, apart.
export function TagsView() {
  const { t, locale } = useI18n();
  const [list, setList] = useState<TagList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [done, setDone] = useState<TagEditResult | null>(null);

  const reload = useCallback(() => {
    api.tags.list().then(setList, (e: unknown) => setError(toAppError(e).message));
  }, []);
  useEffect(reload, [reload]);

  // ask runs the change dry and shows what it would touch.
  const ask = async (op: Pending['op'], run: Pending['run']) => {
    setError(null);
    setDone(null);
    try {
      setPending({ op, run, preview: await run(true) });
    } catch (e) {
      setError(toAppError(e).message);
    }
  };
  const act = async (f: () => Promise<TagEditResult>) => {
    setError(null);
    try {
      setDone(await f());
    } catch (e) {
      setError(toAppError(e).message);
    }
    setPending(null);
    reload();
  };

  if (!list) return error ? <p className="status error" role="alert">{error}</p> : <p className="hint">{t('loading')}</p>;
  return (
    <section className="tags-view" aria-label={t('tags.title')} data-testid="tags-view">
      {error && (
        <p className="status error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="status" role="status" data-testid="tags-done">
          {fill(t('tags.done'), { items: done.items }, locale)}
        </p>
      )}
      {pending && (
        <div className="banner confirm" role="alertdialog" aria-label={t('tags.confirm')} data-testid="tags-confirm">
          <span>{fill(t(pending.op === 'bulk' ? 'tags.preview.bulk' : 'tags.preview'), { items: pending.preview.items, matched: pending.preview.matched ?? 0 }, locale)}</span>
          <button type="button" autoFocus onClick={() => void act(() => pending.run(false))} data-testid="tags-confirm-yes">
            {t(`tags.${pending.op}` as MessageKey)}
          </button>
          <button type="button" onClick={() => setPending(null)}>
            {t('tags.cancel')}
          </button>
        </div>
      )}
      {list.undo && (
        <p className="tags-undo" data-testid="tags-undo">
          {fill(t('tags.lastChange'), { what: t(`tags.what.${list.undo.what}` as MessageKey), items: list.undo.items }, locale)}{' '}
          <button type="button" onClick={() => void act(() => api.tags.undo(false))}>
            {t('tags.undo')}
          </button>
        </p>
      )}
      <h2>{t('tags.title')}</h2>
      {list.tags.length === 0 ? (
        <p className="hint">{t('tags.none')}</p>
      ) : (
        <table className="tags-table" data-testid="tags-table">
          <thead>
            <tr>
              <th scope="col">{t('tags.col.tag')}</th>
              <th scope="col">{t('tags.col.items')}</th>
              <th scope="col">{t('tags.col.aliases')}</th>
              <th scope="col">{t('tags.col.color')}</th>
              <th scope="col">{t('tags.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.tags.map((tg) => (
              <TagRow key={tg.name} tag={tg} onAsk={ask} onColor={(c) => void act(() => api.tags.color(tg.name, c))} />
            ))}
          </tbody>
        </table>
      )}
      <BulkForm onAsk={ask} />
      <h2>{t('tags.hashtags')}</h2>
      <p className="hint"><Text>{t('tags.hashtagsHint')}</Text></p>
      {list.hashtagsError && <p className="status error">{list.hashtagsError}</p>}
      <ul className="hashtags" data-testid="hashtags">
        {list.hashtags.map((h) => (
          <li key={h.name}>
            <TagChip name={h.name} kind="hashtag" /> <span className="count">{h.count}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function TagRow({ tag, onAsk, onColor }: { tag: Tag; onAsk(op: Op, run: Pending['run']): void; onColor(c: string): void }) {
  const { t } = useI18n();
  const [op, setOp] = useState<Op | null>(null);
  const [to, setTo] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const target = to.trim().replace(/^#/, '');
    if (op === 'rename' && target) onAsk('rename', (dry) => api.tags.rename(tag.name, target, dry));
    if (op === 'merge' && target) onAsk('merge', (dry) => api.tags.merge(tag.name, target, dry));
    setOp(null);
    setTo('');
  };
  return (
    <tr data-testid="tag-row" data-tag={tag.name}>
      <td>
        <TagChip name={tag.name} color={tag.color} />
      </td>
      <td className="count">{tag.count}</td>
      <td>{(tag.aliases ?? []).join(' · ')}</td>
      <td>
        <select value={tag.color ?? ''} onChange={(e) => onColor(e.target.value)} aria-label={fill(t('tags.colorOf'), { tag: tag.name })}>
          <option value="">{t('tags.color.none')}</option>
          {tagColors.map((c) => (
            <option key={c} value={c}>
              {t(`tags.color.${c}` as MessageKey)}
            </option>
          ))}
        </select>
      </td>
      <td>
        {op ? (
          <form onSubmit={submit} className="inline-form">
            <input
              autoFocus
              value={to}
              onChange={(e) => setTo(e.target.value)}
              aria-label={fill(t(op === 'rename' ? 'tags.renameTo' : 'tags.mergeInto'), { tag: tag.name })}
              data-testid="tag-op-input"
            />
            <button type="submit">{t('tags.next')}</button>
            <button type="button" onClick={() => setOp(null)}>
              {t('tags.cancel')}
            </button>
          </form>
        ) : (
          <>
            <button type="button" onClick={() => setOp('rename')}>
              {t('tags.rename')}
            </button>
            <button type="button" onClick={() => setOp('merge')}>
              {t('tags.merge')}
            </button>
            <button type="button" onClick={() => onAsk('delete', (dry) => api.tags.delete(tag.name, dry))}>
              {t('tags.delete')}
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

// BulkForm tags and untags every result of a search: "+付款 -draft".
function BulkForm({ onAsk }: { onAsk(op: 'bulk', run: Pending['run']): void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [ops, setOps] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const words = ops.split(/\s+/).filter(Boolean);
    const add = words.filter((w) => !w.startsWith('-')).map((w) => w.replace(/^[+#]/, ''));
    const remove = words.filter((w) => w.startsWith('-')).map((w) => w.slice(1));
    if (q.trim() && add.length + remove.length > 0) onAsk('bulk', (dry) => api.tags.bulk(q, add, remove, dry));
  };
  return (
    <form className="bulk-form" onSubmit={submit} data-testid="bulk-form">
      <h2>{t('tags.bulk.title')}</h2>
      <label>
        {t('tags.bulk.query')} <input value={q} onChange={(e) => setQ(e.target.value)} data-testid="bulk-query" />
      </label>
      <label>
        {t('tags.bulk.tags')} <input value={ops} onChange={(e) => setOps(e.target.value)} placeholder={t('tags.bulk.tagsExample')} data-testid="bulk-tags" />
      </label>
      <button type="submit">{t('tags.next')}</button>
    </form>
  );
}

