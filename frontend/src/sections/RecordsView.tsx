import { useEffect, useMemo, useState } from 'react';
import { api, crmSets, currencyColumn, recordSets, toAppError, type CrmRecord, type RecordSet } from '../api';
import { useI18n } from '../i18n';
import { cell, compareCells, fieldLabel, isRecordSet, matchesFilter, recordsLabel, titleOf, type Cell } from '../display/crm';
import { fill } from '../i18n/format';
import { FollowUps } from '../capture/Activities';
import { RecordTimeline } from '../links/RecordTimeline';
import { recordHash } from '../display/routes';
import { currencyOf, useCurrencies } from '../display/currency';

// The table a visit starts on.
const firstSet: RecordSet = 'accounts';

interface Sort {
  col: string;
  dir: 1 | -1; // ascending, descending
}

// RecordsView lists the Dynamics 365 records kept offline, one table per
// record type with the catalogue's columns under Dynamics' names in the
// UI's language; a header sorts by its column (again: the other way).
// Clicking a record shows the chats linked to it.
export function RecordsView({ version, target = [] }: { version: number; target?: string[] }) {
  const { t, locale } = useI18n();
  const [set, setSet] = useState<RecordSet>(firstSet);
  const [rows, setRows] = useState<CrmRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ set: string; id: string; title: string } | null>(null);
  const [sort, setSort] = useState<Sort | null>(null);
  const [filter, setFilter] = useState('');
  // #/records/<set>/<id> opens that record's page (a related record, a
  // search hit, a case number in a message).
  const [tSet, tID] = target;
  useEffect(() => {
    if (!tSet || !tID || !isRecordSet(tSet)) return;
    setSet(tSet);
    setOpen((o) => (o?.set === tSet && o.id === tID ? o : { set: tSet, id: tID, title: '' }));
  }, [tSet, tID]);
  useEffect(() => {
    api.records.list(set).then(setRows, (e: unknown) => setError(toAppError(e).message));
  }, [set, version]);
  const cols = crmSets[set].table;
  const currencies = useCurrencies();

  // Each row's cells as shown, those holding the filter's words, in the
  // chosen order (Go's order until a header is clicked).
  const shown = useMemo(() => {
    const out = rows
      .map((r) => {
        const iso = currencyOf(currencies, r.fields[currencyColumn]); // the row's currency, for its money columns
        return { r, cells: cols.map((c) => cell(set, c, r.fields, t, locale, iso)) };
      })
      .filter((x) => matchesFilter(x.cells, filter));
    if (!sort) return out;
    const i = cols.indexOf(sort.col);
    if (i < 0) return out;
    const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
    return out.sort((a, b) => compareCells(a.cells[i]!, b.cells[i]!, sort.dir, collator));
  }, [rows, cols, set, sort, filter, t, locale, currencies]);

  const show = (r: CrmRecord, cells: Cell[]) => {
    setOpen({ set, id: r.id, title: titleOf(set, r.fields) || cells[0]?.text || r.id });
    window.history.replaceState(null, '', recordHash(set, r.id)); // the page's address, without leaving it
  };
  const close = () => {
    setOpen(null);
    if (tSet) window.location.hash = '#/records';
  };
  // A page opened by its address is named from the table once it is in.
  const openRow = open ? rows.find((r) => r.id.toLowerCase() === open.id.toLowerCase()) : undefined;
  const openTitle = open ? open.title || (openRow ? titleOf(open.set, openRow.fields) : '') || open.id : '';
  const sortBy = (col: string) => setSort((s) => ({ col, dir: s?.col === col && s.dir === 1 ? -1 : 1 }));

  return (
    <div className="records">
      <details className="follow-ups-box">
        <summary>{t('capture.followUps')}</summary>
        <FollowUps />
      </details>
      <div className="tabs" role="tablist">
        {recordSets.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === set}
            data-testid={`records-${s}`}
            onClick={() => {
              setSet(s);
              setOpen(null);
              setSort(null);
              setFilter('');
            }}
          >
            {recordsLabel(s, t)}
          </button>
        ))}
      </div>
      {error && <p className="status error">{error}</p>}
      {rows.length > 0 && (
        <div className="records-tools">
          <input
            type="search"
            className="records-filter"
            data-testid="records-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder={t('records.filter')}
            aria-label={t('records.filter')}
          />
          <span className="records-count" role="status" data-testid="records-count">
            {shown.length === rows.length
              ? fill(t(rows.length === 1 ? 'records.count.one' : 'records.count'), { n: rows.length.toLocaleString(locale) })
              : fill(t('records.countOf'), { n: shown.length.toLocaleString(locale), total: rows.length.toLocaleString(locale) })}
          </span>
        </div>
      )}
      <div className={open ? 'records-body with-timeline' : 'records-body'}>
        {rows.length === 0 ? (
          <p className="hint">{t('records.empty')}</p>
        ) : (
          <table data-testid="records-table" data-set={set}>
            <thead>
              <tr>
                {cols.map((c) => {
                  const dir = sort?.col === c ? sort.dir : 0;
                  return (
                    <th
                      key={c}
                      scope="col"
                      data-testid="records-column"
                      data-field={c}
                      aria-sort={dir === 1 ? 'ascending' : dir === -1 ? 'descending' : undefined}
                    >
                      <button type="button" className="sort" data-testid="records-sort" onClick={() => sortBy(c)}>
                        {fieldLabel(set, c, t)}
                        <span className="sort-mark" aria-hidden="true">
                          {dir === 1 ? ' ▲' : dir === -1 ? ' ▼' : ''}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {shown.map(({ r, cells }) => {
                const selected = open?.set === set && open.id === r.id;
                return (
                  <tr
                    key={r.id}
                    className={[r.deleted ? 'deleted' : '', 'record-row', selected ? 'selected' : ''].filter(Boolean).join(' ')}
                    data-testid="record-row"
                    data-id={r.id}
                    aria-current={selected ? 'true' : undefined}
                    title={t('timeline.rowHint')}
                    onClick={() => show(r, cells)}
                  >
                    {cells.map((v, i) => (
                      <td key={cols[i]} data-field={cols[i]} {...(v.label ? {} : { 'data-user-content': '' })}>
                        {i === 0 ? (
                          // The row is clickable; this button is its keyboard way in.
                          <button type="button" className="row-open" data-testid="record-open" onClick={(e) => {
                            e.stopPropagation();
                            show(r, cells);
                          }}>
                            {v.text || titleOf(set, r.fields) || r.id}
                          </button>
                        ) : (
                          v.text
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
        {open && <RecordTimeline key={`${open.set}/${open.id}`} set={open.set} id={open.id} title={openTitle} onClose={close} />}
      </div>
    </div>
  );
}
