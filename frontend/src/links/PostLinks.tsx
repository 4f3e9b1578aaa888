import { useCallback, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { api, type LinkView } from '../api';
import { useI18n } from '../i18n';
import { fill } from '../i18n/format';
import { CaptureActions } from '../capture/CaptureActions';
import { KnowledgeActions } from '../knowledge/KnowledgeActions';
import { LinkDialog } from './LinkDialog';
import { useLinks } from './LinksContext';
import { KindBadge, linkKey } from './parts';
import { useAction } from './useAction';
import { useLatest } from './useLatest';

// Link targets other than chats, as Go names them (storage.ThreadTarget,
// storage.MessageTarget). Dynamics links chats only: these links are kept
// in Rapport and never pushed.
export const threadTarget = (convId: string, rootId: string) => `thread/${convId}/${rootId}`;
export const messageTarget = (convId: string, msgId: string) => `message/${convId}/${msgId}`;

// useConversationLinks loads the links of a conversation's threads and
// messages, grouped by target; edit() refreshes them.
export function useConversationLinks(convId: string) {
  const { version, changed } = useLinks();
  const [tick, setTick] = useState(0);
  const { data, error } = useLatest(() => api.links.forConversation(convId), [convId, version, tick]);
  const byTarget = new Map<string, LinkView[]>();
  for (const l of data ?? []) byTarget.set(l.chatId, [...(byTarget.get(l.chatId) ?? []), l]);
  const edited = useCallback(() => {
    setTick((x) => x + 1);
    changed();
  }, [changed]);
  return { byTarget, error, edited };
}

// PostLinks shows the records a thread or a message is linked to, each
// with Unlink, and a button to link one (suggestions from its authors and
// text first).
export function PostLinks({ target, kind, title, text, links, onEdited }: {
  target: string;
  kind: 'thread' | 'message';
  title: string;
  text: string; // the message's text: a case's title to start from
  links: LinkView[];
  onEdited(): void;
}) {
  const { t } = useI18n();
  const [dialog, setDialog] = useState(false);
  const { error, run } = useAction();
  const opener = useRef<HTMLButtonElement>(null);
  const shown = links.filter((l) => l.linked);
  const unlink = (l: LinkView) => run(api.links.unlink(l.chatId, l.set, l.recordId), onEdited);
  return (
    <div className="post-links" data-testid="post-links" data-target={target}>
      {shown.length > 0 && (
        <ul title={t('links.post.local')}>
          {shown.map((l) => (
            <li key={linkKey(l.set, l.recordId)} className="post-link" data-testid="post-link" data-set={l.set} data-id={l.recordId}>
              <KindBadge set={l.set} /> <span>{l.record.title || l.recordId}</span>
              <button
                type="button"
                className="link-button"
                data-testid="post-unlink"
                aria-label={fill(t('links.post.unlink'), { title: l.record.title || l.recordId })}
                onClick={() => unlink(l)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="link-button" data-testid="link-post" ref={opener} onClick={() => setDialog(true)}>
        {t(kind === 'thread' ? 'links.post.thread' : 'links.post.message')}
      </button>
      <CaptureActions from={target} what={title} prefill={text} record={shown[0] ? `${shown[0].set}:${shown[0].recordId}` : undefined} />
      <KnowledgeActions from={target} what={title} prefill={text} />
      {error && (
        <p className="status error" role="alert" data-testid="post-link-error">
          {error}
        </p>
      )}
      {/* In a portal: a message contains its paint (content-visibility),
          which would clip a fixed-position dialog. */}
      {dialog &&
        createPortal(
        <LinkDialog
          chatId={target}
          chatName={title}
          linked={new Set(shown.map((l) => linkKey(l.set, l.recordId)))}
          onClose={() => {
            setDialog(false);
            opener.current?.focus();
          }}
          onLinked={onEdited}
        />,
          document.body,
        )}
    </div>
  );
}
