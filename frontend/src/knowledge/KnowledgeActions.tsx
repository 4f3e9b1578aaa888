import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { api, toAppError } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';

type Kind = 'best' | 'faq' | 'template';

// KnowledgeActions are a message's or a thread's Mark best…, Draft FAQ…
// and Make a template buttons (behind Knowledge…), in Conversations and
// beside a search hit. from is Go's target: message/CONV/MSG or
// thread/CHANNEL/ROOT.
export function KnowledgeActions({ from, what, prefill }: { from: string; what: string; prefill: string }) {
  const { t } = useI18n();
  const [menu, setMenu] = useState(false);
  const [open, setOpen] = useState<Kind | null>(null);
  const [done, setDone] = useState<Kind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  return (
    <span className="knowledge-actions" data-testid="knowledge-actions">
      <button type="button" className="link-button" data-testid="knowledge-menu" aria-expanded={menu} onClick={() => setMenu((m) => !m)}>
        {t('knowledge.actions')}
      </button>
      {menu &&
        (['best', 'faq'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className="link-button"
            data-testid={`knowledge-${k}`}
            onClick={(e) => {
              opener.current = e.currentTarget;
              setOpen(k);
            }}
          >
            {t(k === 'best' ? 'knowledge.markBest' : 'knowledge.draftFaq')}
          </button>
        ))}
      {menu && (
        <button
          type="button"
          className="link-button"
          data-testid="knowledge-template"
          onClick={() =>
            api.knowledge.saveTemplate({ from }).then(
              () => {
                setError(null);
                setDone('template');
              },
              (e: unknown) => setError(toAppError(e).message),
            )
          }
        >
          {t('knowledge.faq.toTemplate')}
        </button>
      )}
      {done && (
        <span className="status" role="status" data-testid="knowledge-done">
          {t(done === 'best' ? 'knowledge.marked' : done === 'faq' ? 'knowledge.drafted' : 'knowledge.templateMade')}
        </span>
      )}
      {error && (
        <span className="status error" role="alert">
          {error}
        </span>
      )}
      {open && open !== 'template' &&
        createPortal(
          <KnowledgeDialog
            kind={open}
            from={from}
            what={what}
            prefill={prefill}
            onClose={() => {
              setOpen(null);
              opener.current?.focus();
            }}
            onDone={setDone}
          />,
          document.body,
        )}
    </span>
  );
}

function KnowledgeDialog({ kind, from, what, prefill, onClose, onDone }: { kind: Kind; from: string; what: string; prefill: string; onClose(): void; onDone(k: Kind): void }) {
  const { t } = useI18n();
  const titleId = useId();
  const [topic, setTopic] = useState('');
  const [reason, setReason] = useState('');
  const [question, setQuestion] = useState(prefill.split('\n')[0]?.slice(0, 500) ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const tags = topic.split(/[\s,]+/).filter(Boolean).map((x) => x.replace(/^#/, ''));
    const call: Promise<unknown> =
      kind === 'best' ? api.knowledge.markBest({ target: from, topic: tags[0] ?? '', reason }) : api.knowledge.draftFaq({ from, question, tags });
    call.then(
      () => {
        setBusy(false);
        onDone(kind);
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
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="knowledge-dialog" data-kind={kind} onKeyDown={onKeyDown}>
        <header className="modal-head">
          <h2 id={titleId}>{fill(t(kind === 'best' ? 'knowledge.markBest.title' : 'knowledge.draftFaq.title'), { what })}</h2>
          <button type="button" className="close" aria-label={t('links.close')} title={t('links.close')} onClick={onClose}>
            ×
          </button>
        </header>
        <form className="capture-form" onSubmit={submit}>
          {kind === 'faq' && (
            <label>
              {t('knowledge.faq.question')}
              <input autoFocus maxLength={500} value={question} onChange={(e) => setQuestion(e.target.value)} data-testid="knowledge-question" />
            </label>
          )}
          <label>
            {kind === 'best' ? t('knowledge.topic') : t('knowledge.faq.tags')}
            <input autoFocus={kind === 'best'} required={kind === 'best'} value={topic} placeholder="#付款" onChange={(e) => setTopic(e.target.value)} data-testid="knowledge-topic" />
          </label>
          {kind === 'best' && (
            <label>
              {t('knowledge.reason')}
              <input maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="knowledge-reason" />
            </label>
          )}
          {error && (
            <p className="status error" role="alert" data-testid="knowledge-error">
              {error}
            </p>
          )}
          <div className="modal-actions">
            <button type="submit" disabled={busy} data-testid="knowledge-submit">
              {t(kind === 'best' ? 'knowledge.markBest' : 'knowledge.draftFaq')}
            </button>
            <button type="button" onClick={onClose}>
              {t('knowledge.cancel')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
