import { useEffect, useState } from 'react';
import { api, toAppError, type CrmRecord } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { RecordTimeline } from '../links/RecordTimeline';

const sets = ['accounts', 'contacts', 'incidents', 'opportunities', 'knowledgearticles'] as const;

// The columns shown per table, in order.
const columns: Record<(typeof sets)[number], string[]> = {
  accounts: ['name', 'accountnumber', 'address1_city', 'emailaddress1', 'telephone1'],
  contacts: ['fullname', 'jobtitle', 'emailaddress1'],
  incidents: ['ticketnumber', 'title', 'prioritycode', 'statecode'],
  opportunities: ['name', 'stepname', 'estimatedvalue', 'estimatedclosedate'],
  knowledgearticles: ['articlepublicnumber', 'title', 'keywords'],
};

// The field that names a record (the timeline's title).
const titleField: Record<(typeof sets)[number], string> = {
  accounts: 'name',
  contacts: 'fullname',
  incidents: 'title',
  opportunities: 'name',
  knowledgearticles: 'title',
};

// RecordsView lists the Dynamics 365 records kept offline; clicking one
// shows the chats linked to it.
export function RecordsView({ version }: { version: number }) {
  const { t } = useI18n();
  const [set, setSet] = useState<(typeof sets)[number]>('accounts');
  const [rows, setRows] = useState<CrmRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ set: string; id: string; title: string } | null>(null);
  useEffect(() => {
    api.records.list(set).then(setRows, (e: unknown) => setError(toAppError(e).message));
  }, [set, version]);
  const cols = columns[set];
  const show = (r: CrmRecord) => setOpen({ set, id: r.id, title: format(r.fields[titleField[set]]) || format(r.fields[cols[0]!]) || r.id });
  return (
    <div className="records">
      <div className="tabs" role="tablist">
        {sets.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === set}
            data-testid={`records-${s}`}
            onClick={() => {
              setSet(s);
              setOpen(null);
            }}
          >
            {t(`records.${s}` as MessageKey)}
          </button>
        ))}
      </div>
      {error && <p className="status error">{error}</p>}
      <div className={open ? 'records-body with-timeline' : 'records-body'}>
        {rows.length === 0 ? (
          <p className="hint">{t('records.empty')}</p>
        ) : (
          <table data-testid="records-table">
            <thead>
              <tr>
                {cols.map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const selected = open?.set === set && open.id === r.id;
                return (
                  <tr
                    key={r.id}
                    className={[r.deleted ? 'deleted' : '', 'record-row', selected ? 'selected' : ''].filter(Boolean).join(' ')}
                    data-testid="record-row"
                    data-id={r.id}
                    aria-current={selected ? 'true' : undefined}
                    title={t('timeline.rowHint')}
                    onClick={() => show(r)}
                  >
                    {cols.map((c, i) => (
                      <td key={c}>
                        {i === 0 ? (
                          // The row is clickable; this button is its keyboard way in.
                          <button type="button" className="row-open" data-testid="record-open" onClick={(e) => {
                            e.stopPropagation();
                            show(r);
                          }}>
                            {format(r.fields[c]) || r.id}
                          </button>
                        ) : (
                          format(r.fields[c])
                        )}
                      </td>
                    ))}
                    {r.deleted && <td className="hint">{t('records.deleted')}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {open && <RecordTimeline key={`${open.set}/${open.id}`} set={open.set} id={open.id} title={open.title} onClose={() => setOpen(null)} />}
      </div>
    </div>
  );
}

function format(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v.toLocaleString();
  return String(v);
}
