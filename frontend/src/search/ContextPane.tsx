import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api, toAppError, type ContextPage, type SearchHit } from '../api';
import { useI18n } from '../i18n';
import { recordLabel } from '../display/crm';
import { convTitle, MessageItem, threads } from '../display/messages';
import { conversationHash } from '../display/routes';
import { TagEditor } from '../tags/TagEditor';
import { KnowledgeActions } from '../knowledge/KnowledgeActions';

// Messages either side of the hit that Search.Context returns.
export const contextAround = 10;

// ContextPane shows the opened hit: the messages around it (the hit marked
// and scrolled to), or a record's card.
export function ContextPane({ hit }: { hit: SearchHit | null }) {
  const { t } = useI18n();
  return (
    <section className="search-context" aria-label={t('search.context')} data-testid="context-pane">
      {!hit ? (
        <p className="hint pick">{t('search.pickHit')}</p>
      ) : hit.kind === 'record' && hit.record ? (
        <RecordCard hit={hit} />
      ) : hit.conv && hit.message ? (
        <>
          <HitTags key={`tags-${hit.id}`} hit={hit} />
          <KnowledgeActions key={`knowledge-${hit.id}`} from={`message/${hit.conv.id}/${hit.message.id}`} what={convTitle(hit.conv)} prefill={hit.snippet.map((f) => f.t).join('')} />
          <MessageContext key={hit.id} convId={hit.conv.id} msgId={hit.message.id} title={convTitle(hit.conv)} />
        </>
      ) : null}
    </section>
  );
}

// HitTags tags the opened hit's message (its thread's and conversation's
// tags shown beside, inherited).
function HitTags({ hit }: { hit: SearchHit }) {
  const { t } = useI18n();
  const [tags, setTags] = useState(hit.message?.tags ?? []);
  return (
    <TagEditor
      target={`message/${hit.conv!.id}/${hit.message!.id}`}
      tags={tags}
      inherited={hit.message?.inheritedTags ?? []}
      label={t('tags.forMessage')}
      onChange={setTags}
    />
  );
}

function MessageContext({ convId, msgId, title }: { convId: string; msgId: string; title: string }) {
  const { t } = useI18n();
  const [page, setPage] = useState<ContextPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true; // the pane is keyed by hit: a late answer for another hit is dropped
    api.search.context(convId, msgId, contextAround).then(
      (p) => live && setPage(p),
      (e: unknown) => live && setError(toAppError(e).message),
    );
    return () => {
      live = false;
    };
  }, [convId, msgId]);

  // Center the hit in the pane (scrollIntoView would scroll the page too).
  useLayoutEffect(() => {
    const box = body.current;
    const el = box?.querySelector<HTMLElement>('[data-target="true"]');
    if (!box || !el) return;
    box.scrollTop = Math.max(0, el.offsetTop - (box.clientHeight - el.offsetHeight) / 2);
  }, [page]);

  const target = page?.target || msgId;
  const sorted = page ? [...page.messages].sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0)) : [];
  return (
    <>
      <header className="context-head">
        <h2 data-user-content="">{page ? convTitle(page.conv) : title}</h2>
        <a href={conversationHash(convId, target)} data-testid="open-in-conversation">
          {t('search.open')}
        </a>
      </header>
      <div className="context-body" ref={body}>
        {error && (
          <p className="status error" role="alert">
            {t('search.failed')} {error}
          </p>
        )}
        {!page && !error && <p className="hint">{t('loading')}</p>}
        {threads(sorted).map((th) => (
          <div className="thread-group" key={th.key}>
            {th.root && <MessageItem m={th.root} target={th.root.id === target} />}
            {th.replies.map((m) => (
              <MessageItem key={m.id} m={m} target={m.id === target} />
            ))}
          </div>
        ))}
      </div>
    </>
  );
}

function RecordCard({ hit }: { hit: SearchHit }) {
  const { t } = useI18n();
  const r = hit.record!;
  return (
    <article className="record-card" data-testid="record-card">
      <span className="kind-badge" data-set={r.set}>{recordLabel(r.set, t)}</span>
      <h2 data-user-content="">{r.title}</h2>
      {r.subtitle && <p className="hint" data-user-content="">{r.subtitle}</p>}
    </article>
  );
}
