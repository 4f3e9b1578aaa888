import { useEffect, useId, useRef, useState } from 'react';
import { api, crmSets, recordSets, toAppError, type FieldChoice, type LinkSettings, type RecordSet, type TypeRule } from '../api';
import { useI18n, type Translate } from '../i18n';
import { fill } from '../i18n/format';
import { fieldLabel, recordLabel, recordsLabel } from '../display/crm';

// maxCardFields is how many fields a record card shows (Go refuses more).
export const maxCardFields = 5;

// fieldCatalogue is what a card may show per record type: the columns Go's
// catalogue shows, with Dynamics' (English) labels as Go stores them.
export function fieldCatalogue(set: RecordSet): FieldChoice[] {
  return crmSets[set].fields.map((f) => ({ field: f.name, label: f.label }));
}

// choiceLabel names a card field in the UI's language; a field the
// catalogue does not know (saved by another version) keeps its label.
const choiceLabel = (set: RecordSet, x: FieldChoice, t: Translate) => {
  const l = fieldLabel(set, x.field, t);
  return l === x.field ? x.label : l;
};

const anyone: TypeRule = { ownerMay: true, linkerMay: true, join: false };

// maxKeyFields is how many key fields a record type may have (Go refuses more).
export const maxKeyFields = 5;

// LinkSettingsPanel is Settings → Linked records: the fields each record
// type's card shows and who may unlink chats from it. Every change is
// saved at once; a refused one is shown and undone.
export function LinkSettingsPanel() {
  const { t } = useI18n();
  const headingId = useId();
  const [shown, setShown] = useState<LinkSettings | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const saved = useRef<LinkSettings | null>(null); // what Go last confirmed
  const seq = useRef(0);

  useEffect(() => {
    const n = ++seq.current;
    api.links.settings().then(
      (s) => {
        if (n !== seq.current) return;
        saved.current = s;
        setShown(s);
      },
      (e: unknown) => n === seq.current && setStatus({ ok: false, text: toAppError(e).message }),
    );
    return () => void seq.current++;
  }, []);

  const save = (next: LinkSettings) => {
    const n = ++seq.current;
    setShown(next);
    setStatus(null);
    api.links.setSettings(next).then(
      (s) => {
        saved.current = s;
        if (n !== seq.current) return;
        setShown(s);
        setStatus({ ok: true, text: t('settings.saved') });
      },
      (e: unknown) => {
        if (n !== seq.current) return;
        setShown(saved.current);
        setStatus({ ok: false, text: `${t('links.failed')} ${toAppError(e).message}` });
      },
    );
  };

  return (
    <section aria-labelledby={headingId} data-testid="link-settings" className="link-settings">
      <h2 id={headingId}>{t('linkSettings.title')}</h2>
      <p className="hint">{t('linkSettings.intro')}</p>
      {shown && (
        <>
          {recordSets.map((set) => (
            <SetSettings
              key={set}
              set={set}
              fields={shown.fields[set] ?? []}
              keyFields={shown.keyFields?.[set] ?? []}
              rule={shown.rules[set] ?? anyone}
              onFields={(fields) => save({ ...shown, fields: { ...shown.fields, [set]: fields } })}
              onKeyFields={(keyFields) => save({ ...shown, keyFields: { ...shown.keyFields, [set]: keyFields } })}
              onRule={(rule) => save({ ...shown, rules: { ...shown.rules, [set]: rule } })}
            />
          ))}
          <div className="field">
            <label className="checkbox">
              <input
                type="checkbox"
                data-testid="link-privileged"
                checked={shown.privileged}
                onChange={(e) => save({ ...shown, privileged: e.target.checked })}
              />
              {t('linkSettings.privileged')}
            </label>
            <p className="hint">{t('linkSettings.privilegedHint')}</p>
            <p className="hint" data-testid="unlink-enforced-here">{t('linkSettings.enforcedHere')}</p>
          </div>
        </>
      )}
      {status && (
        <p
          className={status.ok ? 'status' : 'status error'}
          role={status.ok ? 'status' : 'alert'}
          data-testid={status.ok ? 'link-settings-saved' : 'link-settings-error'}
        >
          {status.text}
        </p>
      )}
    </section>
  );
}

interface SetProps {
  set: RecordSet;
  fields: FieldChoice[];
  keyFields: string[];
  rule: TypeRule;
  onFields(fields: FieldChoice[]): void;
  onKeyFields(fields: string[]): void;
  onRule(rule: TypeRule): void;
}

function SetSettings({ set, fields, keyFields, rule, onFields, onKeyFields, onRule }: SetProps) {
  const { t } = useI18n();
  const limitId = useId();
  const chosen = new Set(fields.map((x) => x.field));
  const more = fieldCatalogue(set).filter((x) => !chosen.has(x.field));
  const full = fields.length >= maxCardFields;
  const kind = recordLabel(set, t);

  return (
    <fieldset className="field link-set" data-testid={`link-set-${set}`} data-set={set}>
      <legend>{recordsLabel(set, t)}</legend>
      <p className="hint">{t('linkSettings.fields')}</p>
      <ol className="card-field-list" data-testid={`card-fields-${set}`}>
        {fields.map((x) => (
          <li key={x.field} data-testid="card-field" data-field={x.field}>
            <span>{choiceLabel(set, x, t)}</span> <code className="hint">{x.field}</code>{' '}
            <button
              type="button"
              className="link-button"
              data-testid={`field-remove-${set}-${x.field}`}
              aria-label={fill(t('linkSettings.removeField'), { label: choiceLabel(set, x, t) })}
              title={fields.length <= 1 ? t('linkSettings.keepOne') : undefined}
              // Go shows the default fields for an empty list: keep one.
              disabled={fields.length <= 1}
              onClick={() => onFields(fields.filter((y) => y.field !== x.field))}
            >
              {t('linkSettings.remove')}
            </button>
          </li>
        ))}
      </ol>
      <select
        data-testid={`field-add-${set}`}
        aria-label={fill(t('linkSettings.addLabel'), { kind })}
        aria-describedby={full ? limitId : undefined}
        value=""
        disabled={full || more.length === 0}
        onChange={(e) => {
          const pick = more.find((x) => x.field === e.target.value);
          if (pick && !full) onFields([...fields, pick]);
        }}
      >
        <option value="">{t('linkSettings.add')}</option>
        {more.map((x) => (
          <option key={x.field} value={x.field}>
            {choiceLabel(set, x, t)}
          </option>
        ))}
      </select>
      {full && (
        <p className="hint" id={limitId} data-testid={`field-limit-${set}`}>
          {t('linkSettings.limit')}
        </p>
      )}
      <p className="hint">{t('linkSettings.unlink')}</p>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid={`unlink-owner-${set}`}
          checked={rule.ownerMay}
          onChange={(e) => onRule({ ...rule, ownerMay: e.target.checked })}
        />
        {t('linkSettings.ownerMay')}
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid={`unlink-linker-${set}`}
          checked={rule.linkerMay}
          onChange={(e) => onRule({ ...rule, linkerMay: e.target.checked })}
        />
        {t('linkSettings.linkerMay')}
      </label>
      <KeyFields set={set} chosen={keyFields} onChange={onKeyFields} />
      <label className="checkbox">
        <input type="checkbox" data-testid={`join-${set}`} checked={rule.join} onChange={(e) => onRule({ ...rule, join: e.target.checked })} />
        {t('linkSettings.join')}
      </label>
    </fieldset>
  );
}

// KeyFields picks the fields whose changes linked chats are told about:
// at most five, from the same catalogue as the card. Dynamics refuses
// party lists, images, whole numbers and files for key-field updates; the
// catalogue offers none of those (its numbers are choices, money or
// dates).
function KeyFields({ set, chosen, onChange }: { set: RecordSet; chosen: string[]; onChange(fields: string[]): void }) {
  const { t } = useI18n();
  const limitId = useId();
  const full = chosen.length >= maxKeyFields;
  return (
    <div className="key-fields" data-testid={`key-fields-${set}`}>
      <p className="hint">{t('linkSettings.keyFields')}</p>
      {fieldCatalogue(set).map((x) => {
        const on = chosen.includes(x.field);
        return (
          <label key={x.field} className="checkbox">
            <input
              type="checkbox"
              data-testid={`key-${set}-${x.field}`}
              checked={on}
              disabled={!on && full}
              aria-describedby={!on && full ? limitId : undefined}
              onChange={(e) => onChange(e.target.checked ? [...chosen, x.field] : chosen.filter((f) => f !== x.field))}
            />
            {choiceLabel(set, x, t)}
          </label>
        );
      })}
      {full && (
        <p className="hint" id={limitId} data-testid={`key-limit-${set}`}>
          {t('linkSettings.keyLimit')}
        </p>
      )}
      {chosen.length === 0 && (
        <p className="hint" data-testid={`key-none-${set}`}>
          {t('linkSettings.keyNone')}
        </p>
      )}
    </div>
  );
}
