// Messages as every view shows them: one message (sanitized in Go),
// channel replies grouped under their roots, a conversation's title.
import React from 'react';
import { createPortal } from 'react-dom';
import { api, type Message } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { isHTTPS, OutsideLink } from './outside';

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

// MessageItem shows one message as Teams does: its author's initials, the
// user's own messages marked, reactions that say who, attachments that
// open, inline images that enlarge. target marks the one a link or a
// search hit points at. actions (and Open in Teams) show on hover or
// focus, over the message's corner; extra is shown under it (what the
// message is linked to or tagged with).
export function MessageItem({ m, target = false, actions, extra }: { m: Message; target?: boolean; actions?: React.ReactNode; extra?: React.ReactNode }) {
  const { t, locale } = useI18n();
  const [zoom, setZoom] = React.useState<{ src: string; alt: string } | null>(null);
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
  const classes = ['message', m.replyTo ? 'reply' : '', m.mine ? 'mine' : '', target ? 'target' : ''].filter(Boolean).join(' ');
  const onBody = (e: React.MouseEvent<HTMLDivElement>) => {
    const img = (e.target as HTMLElement).closest('img');
    if (img) {
      e.preventDefault();
      setZoom({ src: img.src, alt: img.alt });
      return;
    }
    openOutside(e);
  };
  return (
    <article className={classes} data-testid="message" data-id={m.id} data-mine={m.mine ? 'true' : undefined} {...mark}>
      <span className="avatar" data-hue={hue(m.from)} aria-hidden="true" data-user-content="">
        {initials(m.from)}
      </span>
      <div className="message-main">
        <header>
          <strong className="from" data-user-content="">{m.from}</strong>
          {m.mine && <span className="you">{t('conv.you')}</span>}
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
          <div className="body" data-user-content="" onClick={onBody} dangerouslySetInnerHTML={{ __html: m.html }} />
        )}
        {m.attachments && m.attachments.length > 0 && !m.deleted && (
          <ul className="attachments">
            {m.attachments.map((a) => (
              <li key={a.id} data-testid="attachment">
                📎{' '}
                {isHTTPS(a.url) ? (
                  <OutsideLink url={a.url} testId="attachment-link">
                    <span data-user-content="">{a.name ?? a.contentType}</span>
                  </OutsideLink>
                ) : (
                  <span data-user-content="">{a.name ?? a.contentType}</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {reactions.length > 0 && (
          <div className="reactions">
            {reactions.map(([k, n]) => {
              const names = m.reactedBy?.[k] ?? [];
              const who = names.join(', ') + (n > names.length ? `${names.length ? ', ' : ''}${fill(t(n - names.length === 1 ? 'conv.reactedOthers.one' : 'conv.reactedOthers'), { n: n - names.length })}` : '');
              const label = `${reactionGlyph(k)} ${who}`; // names only: nothing to translate
              return (
                <span key={k} className="reaction" data-testid="reaction" title={label} aria-label={label} role="img">
                  {reactionGlyph(k)} {n}
                </span>
              );
            })}
          </div>
        )}
        {extra}
      </div>
      <div className="message-actions" data-testid="message-actions" role="group" aria-label={t('conv.actions')}>
        <OutsideLink url={m.teamsUrl} testId="open-in-teams" className="link-button">
          {t('conv.openInTeams')}
        </OutsideLink>
        {actions}
      </div>
      {zoom && <Lightbox {...zoom} onClose={() => setZoom(null)} />}
    </article>
  );
}

// Lightbox shows an inline image at the window's size; Escape, the close
// button or a click beside the image close it, and focus goes back.
function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose(): void }) {
  const { t } = useI18n();
  const close = React.useRef<HTMLButtonElement>(null);
  React.useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => back?.focus?.();
  }, []);
  return createPortal(
    <div className="lightbox" role="dialog" aria-modal="true" aria-label={alt || t('conv.image')} data-testid="lightbox"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <img src={src} alt={alt} />
      <button type="button" ref={close} className="close" aria-label={t('links.close')} title={t('links.close')} onClick={onClose} data-testid="lightbox-close">
        ×
      </button>
    </div>,
    document.body,
  );
}

// initials are what an author's avatar shows: the first letters of the
// first and last words of a Latin name, the family name of a Chinese one.
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0]!;
  if (/\p{Script=Han}/u.test(first)) return first;
  const last = words.length > 1 ? [...words[words.length - 1]!][0]! : '';
  return (first + last).toLocaleUpperCase();
}

// hue picks one of eight avatar colours from the name, always the same.
function hue(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  return h % 8;
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
