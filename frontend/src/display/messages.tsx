// Messages as every view shows them: one message (sanitized in Go),
// channel replies grouped under their roots, a conversation's title.
import React from 'react';
import { api, type Message } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { when } from '../i18n/format';

// convTitle names a conversation: a channel under its team, or a chat.
export function convTitle(c: { name: string; team?: string }): string {
  return c.team ? `${c.team} › ${c.name}` : c.name;
}

export interface ThreadGroup {
  key: string;
  root?: Message; // missing when the root is on an older page
  replies: Message[];
}

// threads groups channel replies under their root post, roots in time
// order; chat messages (no replies) are each their own group.
export function threads(messages: Message[]): ThreadGroup[] {
  const groups = new Map<string, ThreadGroup>();
  const order: ThreadGroup[] = [];
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) {
      g = { key, replies: [] };
      groups.set(key, g);
      order.push(g);
    }
    return g;
  };
  for (const m of messages) {
    if (m.replyTo) group(m.replyTo).replies.push(m);
    else group(m.id).root = m;
  }
  const at = (g: ThreadGroup) => (g.root ?? g.replies[0])!.created;
  return order.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
}

// MessageItem shows one message; target marks the one a link or a search
// hit points at; extra is shown under it (its linked records).
export function MessageItem({ m, target = false, extra }: { m: Message; target?: boolean; extra?: React.ReactNode }) {
  const { t, locale } = useI18n();
  const mark = target ? { 'aria-current': true, 'data-target': 'true' } : {};
  if (m.type !== 'message') {
    return (
      <div className={`message system${target ? ' target' : ''}`} data-testid="message" data-id={m.id} {...mark}>
        {t('conv.system')}{t('colon')}{m.event === 'membersAdded' ? t('conv.membersAdded') : m.event}
        <time dateTime={m.created}> · {when(m.created, locale)}</time>
      </div>
    );
  }
  const reactions = Object.entries(m.reactions ?? {});
  return (
    <article className={`message${m.replyTo ? ' reply' : ''}${target ? ' target' : ''}`} data-testid="message" data-id={m.id} {...mark}>
      <header>
        <strong className="from" data-user-content="">{m.from}</strong>
        <time dateTime={m.created}>{when(m.created, locale)}</time>
        {m.edited && !m.deleted && <span className="edited">({t('conv.edited')})</span>}
        {(m.importance === 'urgent' || m.importance === 'high') && (
          <span className={`badge ${m.importance}`}>{t(`importance.${m.importance}` as MessageKey)}</span>
        )}
      </header>
      {m.subject && <h4 className="subject" data-user-content="">{m.subject}</h4>}
      {m.deleted ? (
        <p className="deleted">
          {t('conv.deletedOn')} {when(m.deleted, locale)}
        </p>
      ) : (
        // Sanitized in Go (sync/render); the CSP is the second wall.
        <div className="body" data-user-content="" onClick={openOutside} dangerouslySetInnerHTML={{ __html: m.html }} />
      )}
      {m.attachments && m.attachments.length > 0 && !m.deleted && (
        <ul className="attachments">
          {m.attachments.map((a) => (
            <li key={a.id}>📎 <span data-user-content="">{a.name ?? a.contentType}</span></li>
          ))}
        </ul>
      )}
      {reactions.length > 0 && (
        <div className="reactions">
          {reactions.map(([k, n]) => (
            <span key={k} className="reaction">
              {reactionGlyph(k)} {n}
            </span>
          ))}
        </div>
      )}
      {extra}
    </article>
  );
}

// openOutside sends message links to the system browser in the window;
// in browser mode the sanitizer's target=_blank opens a new tab.
function openOutside(e: React.MouseEvent<HTMLDivElement>) {
  const a = (e.target as HTMLElement).closest('a');
  if (!a || api.mode() !== 'wails') return;
  e.preventDefault();
  api.system.openURL(a.href).catch(() => {});
}

const glyphs: Record<string, string> = { like: '👍', heart: '❤️', laugh: '😆', surprised: '😮', sad: '😢', angry: '😠' };

function reactionGlyph(k: string): string {
  return glyphs[k] ?? k;
}

// plainText is a message's visible text, its first line trimmed: Go sends
// sanitized HTML; DOMParser reads it without running or loading anything.
export function plainText(html: string): string {
  const text = new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';
  return text.replace(/\s+/g, ' ').trim();
}
