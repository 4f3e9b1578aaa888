import { useCallback, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, toAppError, type ArchivePreview, type ArchiveRequest, type BestConversation, type ChannelChoice, type FAQ, type Op, type TemplateAnswer } from '../api';
import { useI18n, locales, localeNames, type Locale, type MessageKey } from '../i18n';
import { fill } from '../i18n/format';
import { conversationHash } from '../display/routes';
import { TagsView } from '../tags/TagsView';
import { TagChip } from '../tags/TagEditor';

const tabs = ['tags', 'best', 'faq', 'templates', 'archive'] as const;
type Tab = (typeof tabs)[number];
const isTab = (s: string | undefined): s is Tab => (tabs as readonly string[]).includes(s ?? '');

// thisMonth is YYYY-MM of the local clock: the month the lists open on.
export function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

// targetHash links a best conversation or a FAQ entry back to its first
// message in Conversations.
function targetHash(conv: string, msgs: string[]): string {
  return conversationHash(conv, msgs[0]);
}

// KnowledgeView is the Knowledge section: Tags, best conversations by
// month, FAQ entries (edited here), template answers (copied with one
// key) and monthly archives with a preview. The tab is the address's
// (#/knowledge/best), so it survives reloads and the Back key.
export function KnowledgeView({ tab }: { tab?: string | undefined }) {
  const { t } = useI18n();
  const current: Tab = isTab(tab) ? tab : 'tags';
  return (
    <div className="knowledge" data-testid="knowledge-view">
      <nav className="tabs" role="tablist" aria-label={t('knowledge.tabs')}>
        {tabs.map((id) => (
          <a key={id} role="tab" href={`#/knowledge/${id}`} aria-selected={id === current} data-testid={`knowledge-tab-${id}`}>
            {t(`knowledge.tab.${id}` as MessageKey)}
          </a>
        ))}
      </nav>
      {current === 'tags' && <TagsView />}
      {current === 'best' && <BestList />}
      {current === 'faq' && <FAQList />}
      {current === 'templates' && <Templates />}
      {current === 'archive' && <Archives />}
    </div>
  );
}

function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="status error" role="alert">
      {error}
    </p>
  ) : null;
}

function BestList() {
  const { t, locale } = useI18n();
  const [month, setMonth] = useState(thisMonth);
  const [topic, setTopic] = useState('');
  const [list, setList] = useState<BestConversation[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.knowledge.listBest({ month, topic: topic.replace(/^#/, '') }).then(setList, (e: unknown) => setError(toAppError(e).message));
  }, [month, topic]);
  useEffect(reload, [reload]);
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        setError(null);
        setEditing(null);
        reload();
      },
      (e: unknown) => setError(toAppError(e).message),
    );
  return (
    <section aria-label={t('knowledge.tab.best')} data-testid="best-list">
      <div className="knowledge-filters">
        <label>
          {t('knowledge.month')} <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="best-month" />
        </label>
        <label>
          {t('knowledge.topic')} <input value={topic} placeholder={t('knowledge.allTopics')} onChange={(e) => setTopic(e.target.value)} data-testid="best-topic" />
        </label>
      </div>
      <ErrorLine error={error} />
      {list && list.length === 0 && <p className="hint">{t('knowledge.best.none')}</p>}
      <ul className="knowledge-list">
        {list?.map((b) => (
          <li key={b.target} data-testid="best-item" data-target={b.target}>
            <p>
              <TagChip name={b.topic} /> <a href={targetHash(b.conv, b.messages)}>{b.title || b.target}</a>{' '}
              <span className="hint">{fill(t('knowledge.messages'), { n: b.messages.length }, locale)}</span>
            </p>
            {editing === b.target ? (
              <TopicReasonForm
                topic={b.topic}
                reason={b.reason}
                onCancel={() => setEditing(null)}
                onSave={(topic, reason) => act(api.knowledge.editBest({ target: b.target, topic, reason }))}
              />
            ) : (
              <p>
                {b.reason && <span className="knowledge-reason">{b.reason}</span>}{' '}
                <button type="button" className="link-button" onClick={() => setEditing(b.target)}>
                  {t('knowledge.edit')}
                </button>{' '}
                <button type="button" className="link-button" data-testid="best-unmark" onClick={() => act(api.knowledge.unmarkBest(b.target))}>
                  {t('knowledge.best.unmark')}
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TopicReasonForm({ topic: t0, reason: r0, onSave, onCancel }: { topic: string; reason: string; onSave(topic: string, reason: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const [topic, setTopic] = useState(t0);
  const [reason, setReason] = useState(r0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (topic.trim()) onSave(topic.trim().replace(/^#/, ''), reason.trim());
  };
  return (
    <form className="knowledge-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label>
        {t('knowledge.topic')} <input autoFocus required value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="#付款" data-testid="best-form-topic" />
      </label>
      <label>
        {t('knowledge.reason')} <input value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="best-form-reason" />
      </label>
      <button type="submit" data-testid="best-form-save">
        {t('knowledge.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('knowledge.cancel')}
      </button>
    </form>
  );
}

function FAQList() {
  const { t, locale } = useI18n();
  const [list, setList] = useState<FAQ[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.knowledge.listFaq({}).then(setList, (e: unknown) => setError(toAppError(e).message));
  }, []);
  useEffect(reload, [reload]);
  const act = (p: Promise<unknown>, done?: string) =>
    p.then(
      () => {
        setError(null);
        setEditing(null);
        setNote(done ?? null);
        reload();
      },
      (e: unknown) => setError(toAppError(e).message),
    );
  return (
    <section aria-label={t('knowledge.tab.faq')} data-testid="faq-list">
      <ErrorLine error={error} />
      {note && (
        <p className="status" role="status">
          {note}
        </p>
      )}
      {list && list.length === 0 && <p className="hint">{t('knowledge.faq.none')}</p>}
      <ul className="knowledge-list">
        {list?.map((f) => (
          <li key={f.id} data-testid="faq-item" data-id={f.id}>
            {editing === f.id ? (
              <FAQForm faq={f} onCancel={() => setEditing(null)} onSave={(q, a, tags) => act(api.knowledge.editFaq({ id: f.id, question: q, answer: a, tags }))} />
            ) : (
              <>
                <h3 className="faq-question">{f.question}</h3>
                <p className="faq-answer">{f.answer}</p>
                <p>
                  {f.tags.map((tg) => (
                    <TagChip key={tg} name={tg} />
                  ))}{' '}
                  <a href={conversationHash(f.conv, f.sources[0]?.split('/').pop())}>{fill(t('knowledge.faq.sources'), { n: f.sources.length }, locale)}</a>{' '}
                  <button type="button" className="link-button" data-testid="faq-edit" onClick={() => setEditing(f.id)}>
                    {t('knowledge.edit')}
                  </button>{' '}
                  <button
                    type="button"
                    className="link-button"
                    data-testid="faq-template"
                    onClick={() => act(api.knowledge.saveTemplate({ from: `faq/${f.id}` }), fill(t('knowledge.templates.made'), { title: f.question }))}
                  >
                    {t('knowledge.faq.toTemplate')}
                  </button>{' '}
                  <button
                    type="button"
                    className="link-button"
                    data-testid="faq-publish"
                    onClick={() => act(api.knowledge.publishFaq(f.id), fill(t('knowledge.faq.published'), { title: f.question }))}
                  >
                    {t('knowledge.faq.publish')}
                  </button>{' '}
                  <button type="button" className="link-button" onClick={() => act(api.knowledge.deleteFaq(f.id))}>
                    {t('knowledge.delete')}
                  </button>
                </p>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FAQForm({ faq, onSave, onCancel }: { faq: FAQ; onSave(q: string, a: string, tags: string[]): void; onCancel(): void }) {
  const { t } = useI18n();
  const [q, setQ] = useState(faq.question);
  const [a, setA] = useState(faq.answer);
  const [tags, setTags] = useState(faq.tags.join(' '));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(q.trim(), a.trim(), tags.split(/[\s,]+/).filter(Boolean).map((x) => x.replace(/^#/, '')));
  };
  return (
    <form className="knowledge-form faq-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()} data-testid="faq-form">
      <label>
        {t('knowledge.faq.question')} <input autoFocus required maxLength={500} value={q} onChange={(e) => setQ(e.target.value)} data-testid="faq-question" />
      </label>
      <label>
        {t('knowledge.faq.answer')} <textarea required rows={6} value={a} onChange={(e) => setA(e.target.value)} data-testid="faq-answer" />
      </label>
      <label>
        {t('knowledge.faq.tags')} <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="faq-tags" />
      </label>
      <button type="submit" data-testid="faq-save">
        {t('knowledge.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('knowledge.cancel')}
      </button>
    </form>
  );
}

function Templates() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [list, setList] = useState<TemplateAnswer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const reload = useCallback(() => {
    api.knowledge.templates(q).then(setList, (e: unknown) => setError(toAppError(e).message));
  }, [q]);
  useEffect(reload, [reload]);
  const copy = (tp: TemplateAnswer) =>
    navigator.clipboard.writeText(tp.text).then(
      () => setCopied(tp.id),
      (e: unknown) => setError(String(e)),
    );
  const onKey = (e: KeyboardEvent<HTMLLIElement>, tp: TemplateAnswer) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'c' || e.key === 'C' || e.key === 'Enter') {
      e.preventDefault();
      void copy(tp);
    }
  };
  return (
    <section aria-label={t('knowledge.tab.templates')} data-testid="templates">
      <label>
        {t('knowledge.templates.search')} <input type="search" value={q} onChange={(e) => setQ(e.target.value)} data-testid="templates-search" />
      </label>
      <p className="hint">{t('knowledge.templates.hint')}</p>
      <ErrorLine error={error} />
      {list && list.length === 0 && <p className="hint">{t('knowledge.templates.none')}</p>}
      <ul className="knowledge-list">
        {list?.map((tp) => (
          <li key={tp.id} tabIndex={0} onKeyDown={(e) => onKey(e, tp)} data-testid="template-item" data-id={tp.id} aria-label={tp.title}>
            <h3>{tp.title}</h3>
            <p className="faq-answer">{tp.text}</p>
            <button type="button" onClick={() => void copy(tp)} data-testid="template-copy">
              {t('knowledge.templates.copy')}
            </button>{' '}
            <button type="button" className="link-button" onClick={() => api.knowledge.deleteTemplate(tp.id).then(reload, (e: unknown) => setError(toAppError(e).message))}>
              {t('knowledge.delete')}
            </button>
            {copied === tp.id && (
              <span className="status" role="status" data-testid="template-copied">
                {' '}
                {t('knowledge.templates.copied')}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

type Scope = 'all' | 'account' | 'team';

function Archives() {
  const { t, locale } = useI18n();
  const [month, setMonth] = useState(thisMonth);
  const [scope, setScope] = useState<Scope>('all');
  const [name, setName] = useState('');
  const [lang, setLang] = useState<Locale>(locale);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<ArchivePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [request, setRequest] = useState<ArchiveRequest>({ month });
  const build = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r: ArchiveRequest = { month, lang, ...(scope === 'account' ? { account: name } : scope === 'team' ? { team: name } : {}) };
    api.knowledge
      .archive(r)
      .then(
        (p) => {
          setPreview(p);
          setRequest(r);
        },
        (err: unknown) => setError(toAppError(err).message),
      )
      .finally(() => setBusy(false));
  };
  const a = preview?.archive;
  return (
    <section aria-label={t('knowledge.tab.archive')} data-testid="archives">
      <form className="knowledge-form" onSubmit={build}>
        <label>
          {t('knowledge.month')} <input type="month" required value={month} onChange={(e) => setMonth(e.target.value)} data-testid="archive-month" />
        </label>
        <label>
          {t('knowledge.archive.scope')}{' '}
          <select value={scope} onChange={(e) => setScope(e.target.value as Scope)} data-testid="archive-scope">
            <option value="all">{t('knowledge.archive.all')}</option>
            <option value="account">{t('knowledge.archive.account')}</option>
            <option value="team">{t('knowledge.archive.team')}</option>
          </select>
        </label>
        {scope !== 'all' && (
          <label>
            {t('knowledge.archive.name')} <input required value={name} onChange={(e) => setName(e.target.value)} data-testid="archive-name" />
          </label>
        )}
        <label>
          {t('knowledge.archive.lang')}{' '}
          <select value={lang} onChange={(e) => setLang(e.target.value as Locale)} data-testid="archive-lang">
            {locales.map((l) => (
              <option key={l} value={l} lang={l}>
                {localeNames[l]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy} data-testid="archive-build">
          {t('knowledge.archive.build')}
        </button>
      </form>
      <ErrorLine error={error} />
      {a && preview && (
        <>
          <p className="status" role="status" data-testid="archive-built">
            {fill(t('knowledge.archive.built'), { best: a.best, faq: a.faq, topics: a.topics.length })}
          </p>
          <p className="hint">{t('knowledge.archive.files')}</p>
          <ul data-testid="archive-files">
            {a.files.map((f, i) => (
              <li key={f.name}>
                <code>{f.name}</code> <span className="hint">{preview.sizes[i]} B</span>
              </li>
            ))}
          </ul>
          {a.review.length > 0 && (
            <details className="archive-review" data-testid="archive-review">
              <summary>{fill(t('knowledge.archive.review'), { n: a.review.length })}</summary>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('knowledge.archive.before')}</th>
                    <th scope="col">{t('knowledge.archive.after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.review.flatMap((r) =>
                    r.redacted.map((x, i) => (
                      <tr key={`${r.kind}/${r.id}/${i}`}>
                        <td>{x.original}</td>
                        <td>{x.text}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </details>
          )}
          <PublishArchive request={request} />
          <h2>
            {t('knowledge.archive.preview')}{' '}
            <button type="button" onClick={() => window.print()}>
              {t('knowledge.archive.print')}
            </button>
          </h2>
          {/* Go's archive body: sanitized message HTML (storage/content) and
              escaped text, no style attribute, images as data: URIs. */}
          <div className="archive-preview" data-testid="archive-preview" dangerouslySetInnerHTML={{ __html: preview.html }} />
        </>
      )}
    </section>
  );
}

// PublishArchive queues the built archive's files for a channel's Files:
// the outbox uploads each once on the next sync; a file changed in Teams
// since is a conflict in Pending changes, never overwritten.
function PublishArchive({ request }: { request: ArchiveRequest }) {
  const { t, locale } = useI18n();
  const [channels, setChannels] = useState<ChannelChoice[]>([]);
  const [channel, setChannel] = useState('');
  const [ops, setOps] = useState<Op[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.knowledge.channels().then(setChannels, () => setChannels([]));
  }, []);
  const publish = (e: FormEvent) => {
    e.preventDefault();
    const ch = channels.find((c) => `${c.team}/${c.channel}` === channel);
    if (!ch) return;
    setError(null);
    api.knowledge.publishArchive({ archive: request, team: ch.team, channel: ch.channel }).then(setOps, (err: unknown) => setError(toAppError(err).message));
  };
  return (
    <form className="knowledge-form" onSubmit={publish} data-testid="archive-publish">
      <label>
        {t('knowledge.archive.channel')}{' '}
        <select required value={channel} onChange={(e) => setChannel(e.target.value)} data-testid="archive-channel">
          <option value="">{t('knowledge.archive.pickChannel')}</option>
          {channels.map((c) => (
            <option key={`${c.team}/${c.channel}`} value={`${c.team}/${c.channel}`}>
              {c.teamName} / {c.channelName}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!channel} data-testid="archive-publish-go">
        {t('knowledge.archive.publish')}
      </button>
      <ErrorLine error={error} />
      {ops && (
        <p className="status" role="status" data-testid="archive-queued">
          {fill(t('knowledge.archive.queued'), { n: ops.length }, locale)}
        </p>
      )}
    </form>
  );
}
