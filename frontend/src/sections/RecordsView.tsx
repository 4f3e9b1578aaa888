import { useEffect, useState } from 'react';
import { api, toAppError, type CrmRecord } from '../api';
import { useI18n, type MessageKey } from '../i18n';

const sets = ['accounts', 'contacts', 'incidents', 'opportunities', 'knowledgearticles'] as const;

// The columns shown per table, in order.
const columns: Record<(typeof sets)[number], string[]> = {
  accounts: ['name', 'accountnumber', 'address1_city', 'emailaddress1', 'telephone1'],
  contacts: ['fullname', 'jobtitle', 'emailaddress1'],
  incidents: ['ticketnumber', 'title', 'prioritycode', 'statecode'],
  opportunities: ['name', 'stepname', 'estimatedvalue', 'estimatedclosedate'],
  knowledgearticles: ['articlepublicnumber', 'title', 'keywords'],
};

// RecordsView lists the Dynamics 365 records kept offline.
export function RecordsView({ version }: { version: number }) {
  const { t } = useI18n();
  const [set, setSet] = useState<(typeof sets)[number]>('accounts');
  const [rows, setRows] = useState<CrmRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.records.list(set).then(setRows, (e: unknown) => setError(toAppError(e).message));
  }, [set, version]);
  const cols = columns[set];
  return (
    <div className="records">
      <div className="tabs" role="tablist">
        {sets.map((s) => (
          <button key={s} type="button" role="tab" aria-selected={s === set} data-testid={`records-${s}`} onClick={() => setSet(s)}>
            {t(`records.${s}` as MessageKey)}
          </button>
        ))}
      </div>
      {error && <p className="status error">{error}</p>}
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
            {rows.map((r) => (
              <tr key={r.id} className={r.deleted ? 'deleted' : ''}>
                {cols.map((c) => (
                  <td key={c}>{format(r.fields[c])}</td>
                ))}
                {r.deleted && <td className="hint">{t('records.deleted')}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function format(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return v.toLocaleString();
  return String(v);
}
