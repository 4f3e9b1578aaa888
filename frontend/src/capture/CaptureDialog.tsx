import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, toAppError, type Created, type Suggestion } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill } from '../i18n/format';
import { KindBadge } from '../links/parts';

export type CaptureKind = 'case' | 'task' | 'note';
const priorities = ['high', 'normal', 'low'] as const;

interface Props {
  kind: CaptureKind;
  from: string; // message/…, thread/… (Go's capture targets)
  what: string; // "the thread Alice started …", for the title
  prefill: string; // the first message's text: a case's title, a task's subject
  record?: string | undefined; // a record the target is linked to (SET:ID), for tasks and notes
  onClose(): void;
  onQueued(c: Created): void;
}

// CaptureDialog makes a case, a follow-up task or a note from messages:
// the fields Dynamics 365 requires are asked for and checked before
// anything is queued; the messages' text goes in as Go writes it.
export function CaptureDialog({ kind, from, what, prefill, record, onClose, onQueued }: Props) {
  const { t } = useI18n();
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  const [title, setTitle] = useState(prefill.slice(0, 200));
  const [customer, setCustomer] = useState('');
  const [priority, setPriority] = useState<(typeof priorities)[number]>('normal');
  const [rec, setRec] = useState(record ?? '');
  const [due, setDue] = useState('');
  const [file, setFile] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);

  useEffect(() => {
    if (kind !== 'case') return;
    let live = true;
    api.capture.customers(from).then(
      (s) => live && setSuggestions(s),
      () => live && setSuggestions([]),
    );
    return () => {
      live = false;
    };
  }, [kind, from]);

  const ready = kind === 'case' ? title.trim() !== '' && customer.trim() !== '' : kind === 'task' ? title.trim() !== '' && rec.trim() !== '' : rec.trim() !== '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    const call =
      kind === 'case'
        ? api.capture.createCase({ from, title, customer, priority })
        : kind === 'task'
          ? api.capture.addTask({ record: rec, subject: title, due, priority, from })
          : api.capture.addNote({ record: rec, from, title, file });
    call.then(
      (c) => {
        setBusy(false);
        onQueued(c);
        onClose();
      },
      (err: unknown) => {
        setBusy(false);
        setError(toAppError(err).message);
      },
    );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal capture-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="capture-dialog" data-kind={kind} ref={box} onKeyDown={onKeyDown}>
        <header className="modal-head">
          <h2 id={titleId}>{fill(t(`capture.title.${kind}` as MessageKey), { what })}</h2>
          <button type="button" className="close" aria-label={t('links.close')} title={t('links.close')} onClick={onClose}>
            ×
          </button>
        </header>
        <form className="capture-form" onSubmit={submit}>
          {kind !== 'case' && (
            <label>
              {t('capture.field.record')}
              <input data-testid="capture-record" value={rec} placeholder={t('capture.field.recordHint')} onChange={(e) => setRec(e.target.value)} autoFocus={!record} />
            </label>
          )}
          <label>
            {t(kind === 'task' ? 'capture.field.subject' : 'capture.field.title')}
            <input data-testid="capture-title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} autoFocus={kind === 'case' || !!record} />
          </label>
          {kind === 'case' && (
            <>
              <label>
                {t('capture.field.customer')}
                <input data-testid="capture-customer" value={customer} placeholder={t('capture.field.customerHint')} onChange={(e) => setCustomer(e.target.value)} />
              </label>
              {suggestions.length > 0 && (
                <ul className="capture-suggestions">
                  {suggestions.map((s) => (
                    <li key={`${s.card.set}/${s.card.id}`}>
                      <button type="button" className="record-choice" data-testid="capture-suggestion" onClick={() => setCustomer(`${s.card.set}:${s.card.id}`)}>
                        <KindBadge set={s.card.set} /> <strong>{s.card.title || s.card.id}</strong>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
          {kind === 'task' && (
            <label>
              {t('capture.field.due')}
              <input type="date" data-testid="capture-due" value={due} onChange={(e) => setDue(e.target.value)} />
            </label>
          )}
          {kind !== 'note' && (
            <label>
              {t('capture.field.priority')}
              <select data-testid="capture-priority" value={priority} onChange={(e) => setPriority(e.target.value as (typeof priorities)[number])}>
                {priorities.map((p) => (
                  <option key={p} value={p}>
                    {t(`capture.priority.${p}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {kind === 'note' && (
            <label className="check">
              <input type="checkbox" data-testid="capture-file" checked={file} onChange={(e) => setFile(e.target.checked)} /> {t('capture.field.file')}
            </label>
          )}
          {!ready && (
            <p className="hint" data-testid="capture-required">
              {t(`capture.required.${kind}` as MessageKey)}
            </p>
          )}
          {error && (
            <p className="status error" role="alert" data-testid="capture-error">
              {error}
            </p>
          )}
          <div className="modal-actions">
            <button type="button" onClick={onClose}>
              {t('capture.cancel')}
            </button>
            <button type="submit" data-testid="capture-submit" disabled={!ready || busy}>
              {t('capture.submit')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
