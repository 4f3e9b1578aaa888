import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { api, toAppError, type Chat, type Member, type Message, type Team } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { fill, when } from '../i18n/format';
import { MessageItem, threads } from '../display/messages';
import { LinkedRecords } from '../links/LinkedRecords';
import { messageTarget, PostLinks, threadTarget, useConversationLinks } from '../links/PostLinks';
import { plainText } from '../display/messages';
import { TagChip, TagEditor } from '../tags/TagEditor';
import { KindBadge, linkKey } from '../links/parts';
import { narrowWidth, useFold } from '../display/fold';

interface Selected {
  id: string;
  title: string;
  membersOf: string; // container whose members to show
  chat?: boolean; // a chat (chats can be linked to Dynamics 365 records)
  focus?: string; // a message to show and mark (from #/conversations/<id>/<msg>)
}

// ConvTarget is the conversation (and message) named in the address.
export interface ConvTarget {
  conv: string;
  msg?: string;
}

// pages loaded at most while looking for a linked message
const maxFocusPages = 20;

const pageSize = 100;

// ConversationsView: teams → channels and chats on the left, the selected
// conversation's messages and members on the right.
export function ConversationsView({ version, target }: { version: number; target?: ConvTarget | undefined }) {
  const { t } = useI18n();
  const [teams, setTeams] = useState<Team[]>([]);
  const [chats, setChats] = useState<Chat[]>([]);
  const [sel, setSel] = useState<Selected | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [openTeam, setOpenTeam] = useState<string | null>(null);
  // roving: the one list entry in the Tab order (arrow keys move it).
  const [roving, setRoving] = useState<string | null>(null);

  // Select the linked conversation once the lists are in; only once per
  // link, so a reload after a sync round does not undo the user's choice.
  const applied = useRef<ConvTarget | null>(null);
  useEffect(() => {
    if (!target || applied.current === target) return;
    const focus = target.msg ? { focus: target.msg } : {};
    for (const tm of teams) {
      const ch = tm.channels.find((c) => c.id === target.conv);
      if (ch) {
        applied.current = target;
        setOpenTeam(tm.id);
        setSel({ id: ch.id, title: `${tm.name} / ${ch.name}`, membersOf: ch.membershipType === 'standard' ? tm.id : ch.id, ...focus });
        return;
      }
    }
    const c = chats.find((x) => x.id === target.conv);
    if (c) {
      applied.current = target;
      setSel({ id: c.id, title: c.name, membersOf: c.id, chat: true, ...focus });
    }
  }, [target, teams, chats]);

  useEffect(() => {
    Promise.all([api.conversations.teams(), api.conversations.chats()]).then(
      ([ts, cs]) => {
        setTeams(ts);
        setChats(cs);
      },
      (e: unknown) => setError(toAppError(e).message),
    );
  }, [version]);

  const first = teams[0] ? `team:${teams[0].id}` : chats[0]?.id;
  const current = roving ?? sel?.id ?? first;
  const tab = (id: string) => (id === current ? 0 : -1);
  return (
    <div className="conversations">
      <nav className="conv-list" aria-label={t('nav.conversations')} onKeyDown={listKeys} onFocus={(e) => {
        const id = (e.target as HTMLElement).dataset.nav;
        if (id) setRoving(id);
      }}>
        {error && <p className="status error">{error}</p>}
        <h2>{t('conv.teams')}</h2>
        {teams.map((tm) => (
          <details key={tm.id} open={teams.length < 4 || tm.id === openTeam}>
            <summary data-nav={`team:${tm.id}`} tabIndex={tab(`team:${tm.id}`)}><span data-user-content="">{tm.name}</span></summary>
            <ul>
              {tm.channels.map((ch) => (
                <li key={ch.id}>
                  <button
                    type="button"
                    className={sel?.id === ch.id ? 'conv selected' : 'conv'}
                    data-testid="channel"
                    data-nav={ch.id}
                    tabIndex={tab(ch.id)}
                    onClick={() => setSel({ id: ch.id, title: `${tm.name} / ${ch.name}`, membersOf: ch.membershipType === 'standard' ? tm.id : ch.id })}
                  >
                    <span data-user-content="">{ch.name}</span>
                    {ch.membershipType === 'private' && <span className="tag">{t('conv.private')}</span>}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ))}
        <h2>{t('conv.chats')}</h2>
        <ul>
          {chats.map((c) => (
            <li key={c.id}>
              <button type="button" className={sel?.id === c.id ? 'conv selected' : 'conv'} data-testid="chat" data-nav={c.id} tabIndex={tab(c.id)}
                onClick={() => setSel({ id: c.id, title: c.name, membersOf: c.id, chat: true })}>
                <span className="conv-name" data-user-content="">{c.name}</span>
                {c.preview && <span className="conv-preview" data-user-content="">{c.previewFrom ? `${c.previewFrom}: ` : ''}{c.preview}</span>}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {sel ? <Thread key={sel.id} sel={sel} version={version} /> : <p className="hint pick">{t('conv.pick')}</p>}
    </div>
  );
}

// listKeys moves through teams, channels and chats with the arrow keys
// (and j/k, Home, End) instead of one Tab stop each; Enter opens the
// entry and moves focus into its messages (PageUp/PageDown scroll them).
function listKeys(e: React.KeyboardEvent<HTMLElement>) {
  const here = e.target as HTMLElement;
  if (!here.dataset.nav || e.altKey || e.ctrlKey || e.metaKey) return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-nav]')].filter((el) => el.getClientRects().length > 0);
  const i = items.indexOf(here);
  const go = (n: number) => {
    const el = items[Math.max(0, Math.min(items.length - 1, n))];
    if (!el) return;
    e.preventDefault();
    el.focus();
  };
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return go(i + 1);
    case 'ArrowUp':
    case 'k':
      return go(i - 1);
    case 'Home':
      return go(0);
    case 'End':
      return go(items.length - 1);
    case 'Enter':
      if (here.tagName === 'BUTTON') {
        e.preventDefault();
        here.click();
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="messages"]')?.focus());
      }
  }
}

// Thread shows a conversation. A sync (version) reloads its messages in
// place: it is not remounted, so a dialog opened from a message (Link
// thread…) stays open across a background sync.
function Thread({ sel, version }: { sel: Selected; version: number }) {
  const { t, locale } = useI18n();
  const titleId = useId();
  const [messages, setMessages] = useState<Message[]>([]);
  const [before, setBefore] = useState('');
  const [members, setMembers] = useState<Member[]>([]);
  const [error, setError] = useState<string | null>(null);
  // the members pane: shown or hidden by the user, else by the window's width
  const side = useFold(narrowWidth);
  const list = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  // stick: the reader is at the newest message, so the pane follows what
  // grows below (late layout, new messages). Scrolling up clears it.
  const stick = useRef(!sel.focus);
  // newBelow counts messages a sync brought in below a reader who is not
  // at the bottom: "New messages ↓" instead of moving them.
  const [newBelow, setNewBelow] = useState(0);

  // live says whether the answer is still wanted (an effect cleaned up).
  const load = useCallback(
    (cursor: string, live: () => boolean = () => true) =>
      api.conversations.messages(sel.id, cursor, pageSize).then(
        (page) => {
          if (!live()) return null;
          // Pages come newest first; the thread reads oldest to newest.
          // The first page replaces (an effect run twice must not double it).
          setMessages((prev) => [...[...page.messages].reverse(), ...(cursor ? prev : [])]);
          setBefore(page.before);
          return page;
        },
        (e: unknown) => {
          if (live()) setError(toAppError(e).message);
          return null;
        },
      ),
    [sel.id],
  );

  // A sync round refreshes the thread in place: the newest pages are merged
  // into what is loaded (edits and deletions replace their message, new
  // ones are added below), so older pages, the scroll position and any open
  // dialog stay as they are.
  const loaded = useRef<Message[]>([]);
  loaded.current = messages;
  const refresh = useCallback(
    async (live: () => boolean) => {
      const have = new Set(loaded.current.map((m) => m.id));
      const fresh: Message[] = [];
      let cursor = '';
      for (let n = 0; n < maxFocusPages; n++) {
        const page = await api.conversations.messages(sel.id, cursor, pageSize);
        if (!live()) return;
        fresh.push(...page.messages); // newest first
        if (have.size === 0 || !page.before || page.messages.some((m) => have.has(m.id))) break;
        cursor = page.before;
      }
      const added = merge(loaded.current, fresh);
      if (!live() || added === null) return;
      setMessages(added.messages);
      if (added.count > 0 && !stick.current) setNewBelow((n) => n + added.count);
    },
    [sel.id],
  );

  const toBottom = useCallback(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);
  // Keep the reader's place: at the bottom, stay there as the content
  // grows; elsewhere, the browser's scroll anchoring holds the view.
  useEffect(() => {
    const el = content.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (stick.current) toBottom();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [toBottom]);
  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    stick.current = atBottom;
    if (atBottom) setNewBelow(0);
  };

  // The user's tags on the conversation, its threads and messages.
  const [tags, setTags] = useState<Record<string, string[]>>({});
  useEffect(() => {
    let live = true;
    api.tags.forConversation(sel.id).then(
      (m) => live && setTags(m),
      () => live && setTags({}),
    );
    return () => {
      live = false;
    };
  }, [sel.id, version]);

  // Threads (channel roots) and messages link to records in Rapport.
  const local = useConversationLinks(sel.id);
  // Its actions (link, capture, knowledge, tag) show over the message on
  // hover or focus; under it, only what it is linked to or tagged with.
  const postLinks = (m: Message, isThread: boolean): { actions?: ReactNode; extra?: ReactNode } => {
    if (m.type !== 'message' || m.deleted) return {};
    const target = isThread ? threadTarget(sel.id, m.id) : messageTarget(sel.id, m.id);
    const title = fill(t(isThread ? 'links.post.threadTitle' : 'links.post.messageTitle'), { from: m.from, at: when(m.created, locale) });
    // A channel's root stands for its thread; a chat's messages for themselves.
    const inherited = [...(tags[sel.id] ?? []), ...(m.replyTo ? (tags[threadTarget(sel.id, m.replyTo)] ?? []) : [])];
    const links = (local.byTarget.get(target) ?? []).filter((l) => l.linked);
    const own = tags[target] ?? [];
    return {
      actions: (
        <>
          <PostLinks
            target={target}
            kind={isThread ? 'thread' : 'message'}
            title={title}
            text={plainText(m.html)}
            links={local.byTarget.get(target) ?? []}
            onEdited={local.edited}
          />
          <TagEditor
            target={target}
            tags={own}
            inherited={inherited}
            label={t(isThread ? 'tags.forThread' : 'tags.forMessage')}
            onChange={(ts) => setTags((prev) => ({ ...prev, [target]: ts }))}
          />
        </>
      ),
      extra:
        links.length + own.length > 0 ? (
          <div className="message-marks" data-testid="message-marks">
            {links.map((l) => (
              <span key={linkKey(l.set, l.recordId)} className="post-link">
                <KindBadge set={l.set} /> {l.record.title || l.recordId}
              </span>
            ))}
            {own.map((tg) => (
              <TagChip key={tg} name={tg} />
            ))}
          </div>
        ) : undefined,
    };
  };

  // Replies fold under their root, as in Teams: "N replies" opens them.
  // A thread holding the linked message opens by itself.
  const [unfolded, setUnfolded] = useState<ReadonlySet<string>>(new Set());
  const unfold = (key: string) =>
    setUnfolded((prev) => {
      const next = new Set(prev);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  const { focus } = sel;
  useEffect(() => {
    let live = true;
    (async () => {
      // Open at the newest message, or at the linked one: load older pages
      // until it is in (within reason).
      const alive = () => live;
      let page = await load('', alive);
      for (let n = 1; live && focus && page && page.before && !page.messages.some((m) => m.id === focus) && n < maxFocusPages; n++) {
        page = await load(page.before, alive);
      }
      if (!live) return;
      requestAnimationFrame(() => {
        const el = focus ? [...(list.current?.querySelectorAll<HTMLElement>('[data-id]') ?? [])].find((e) => e.dataset.id === focus) : undefined;
        if (el) {
          stick.current = false;
          el.scrollIntoView?.({ block: 'center' });
        } else {
          stick.current = true;
          toBottom();
        }
      });
    })();
    return () => {
      live = false;
    };
  }, [load, focus, toBottom]);

  // After a sync round (version), merge rather than reload.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let live = true;
    refresh(() => live).catch((e: unknown) => live && setError(toAppError(e).message));
    return () => {
      live = false;
    };
  }, [refresh, version]);

  useEffect(() => {
    api.conversations.members(sel.membersOf).then(setMembers, () => setMembers([]));
  }, [sel.membersOf, version]);

  return (
    <section className={`thread ${side.open ? 'members-open' : 'members-closed'}`} aria-labelledby={titleId}>
      <header className="thread-head">
        <h2 id={titleId} data-testid="thread-title" data-user-content="">{sel.title}</h2>
        <TagEditor
          target={sel.id}
          tags={tags[sel.id] ?? []}
          label={t('tags.forChat')}
          onChange={(ts) => setTags((prev) => ({ ...prev, [sel.id]: ts }))}
        />
        <button
          type="button"
          className="small-button members-toggle"
          data-testid="members-toggle"
          aria-expanded={side.open}
          onClick={side.toggle}
        >
          {t('conv.members')} ({members.length})
        </button>
      </header>
      {sel.chat && <LinkedRecords chatId={sel.id} chatName={sel.title} />}
      <div className="thread-body">
        <div className="messages" data-testid="messages" ref={list} onScroll={onScroll} tabIndex={0} aria-label={t('conv.messages')}>
          <div className="messages-content" ref={content}>
          {error && <p className="status error">{error}</p>}
          {before && (
            <button type="button" className="older" onClick={() => void load(before)}>
              {t('conv.loadOlder')}
            </button>
          )}
          {messages.length === 0 && !error && <p className="hint">{t('conv.noMessages')}</p>}
          {threads(messages).map((th) => {
            // a rootless group (its root on an older page) is not folded
            const open = !th.root || unfolded.has(th.key) || th.replies.some((m) => m.id === focus);
            const n = th.replies.length;
            const names = [...new Set(th.replies.map((m) => m.from).filter(Boolean))];
            const repliesId = `replies-${th.key}`;
            return (
              <div className="thread-group" key={th.key} data-testid="thread-group">
                {th.root ? (
                  <MessageItem m={th.root} target={th.root.id === focus} {...postLinks(th.root, !sel.chat)} />
                ) : (
                  <p className="hint earlier">{t('conv.earlierThread')}</p>
                )}
                {th.root && n > 0 && (
                  <button type="button" className="replies-toggle" data-testid="replies-toggle" aria-expanded={open} aria-controls={repliesId}
                    onClick={() => unfold(th.key)}>
                    {open ? t('conv.hideReplies') : (
                      <>
                        {fill(t(n === 1 ? 'conv.replies.one' : 'conv.replies'), { n })}
                        <span className="replies-from"> {fill(t('conv.repliesFrom'), { names: names.slice(0, 3).join(', ') + (names.length > 3 ? '…' : '') })}</span>
                      </>
                    )}
                  </button>
                )}
                {open && n > 0 && (
                  <div className="replies" id={repliesId} data-testid="replies">
                    {th.replies.map((m) => (
                      <MessageItem key={m.id} m={m} target={m.id === focus} {...postLinks(m, false)} />
                    ))}
                  </div>
                )}
              </div>
            );
          })}
          </div>
          {newBelow > 0 && (
            <button type="button" className="new-below" data-testid="new-below"
              onClick={() => {
                stick.current = true;
                setNewBelow(0);
                toBottom();
              }}>
              {fill(t('conv.newBelow'), { n: newBelow })}
            </button>
          )}
        </div>
        <aside className="members" aria-label={t('conv.members')}>
          <h3>
            {t('conv.members')} ({members.length})
          </h3>
          <ul>
            {members.map((m) => {
              const role = m.roles.includes('owner') ? 'owner' : m.roles.includes('guest') ? 'guest' : 'member';
              return (
                <li key={m.userId} data-role={role}>
                  <span data-user-content="">{m.displayName}</span> <span className={`role ${role}`}>{t(`role.${role}` as MessageKey)}</span>
                </li>
              );
            })}
          </ul>
        </aside>
      </div>
    </section>
  );
}

// merge folds a refreshed newest page (newest first) into the loaded
// messages (oldest first): a message already loaded is replaced where it
// is, a new one is added below. Null when nothing changed.
export function merge(loaded: Message[], fresh: Message[]): { messages: Message[]; count: number } | null {
  const byId = new Map(fresh.map((m) => [m.id, m]));
  let changed = false;
  const out = loaded.map((m) => {
    const f = byId.get(m.id);
    if (!f) return m;
    byId.delete(m.id);
    if (same(m, f)) return m;
    changed = true;
    return f;
  });
  const added = [...byId.values()].reverse();
  if (!changed && added.length === 0) return null;
  return { messages: [...out, ...added], count: added.filter((m) => m.type === 'message').length };
}

function same(a: Message, b: Message): boolean {
  return a.edited === b.edited && a.deleted === b.deleted && a.html === b.html && JSON.stringify(a.reactions ?? {}) === JSON.stringify(b.reactions ?? {});
}
