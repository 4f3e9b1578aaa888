import { type RecordCard } from '../api';
import { useI18n, type Translate } from '../i18n';
import { cell, keyText, recordLabel } from '../display/crm';
import { currencyOf, useCurrencies } from '../display/currency';
import { OutsideLink } from '../display/outside';

// linkKey identifies a linked record (Dynamics ids are GUIDs in any case).
export const linkKey = (set: string, id: string) => `${set}/${id.toLowerCase()}`;

// KindBadge names a record's type (Case, Account, …).
export function KindBadge({ set }: { set: string }) {
  const { t } = useI18n();
  return (
    <span className="kind-badge" data-set={set}>
      {recordLabel(set, t)}
    </span>
  );
}

// OpenInDynamics links to the record in Dynamics 365 (an OutsideLink).
export function OpenInDynamics({ url }: { url?: string | undefined }) {
  const { t } = useI18n();
  return (
    <OutsideLink url={url} testId="open-in-dynamics">
      {t('search.openRecord')}
    </OutsideLink>
  );
}

// CardFields lists a card's labelled values: Dynamics' names and
// option-set labels in the UI's language (Go sends their keys beside the
// English), as the Records view shows them: dates for the UI's locale;
// the values that are the record's own are marked as user data.
export function CardFields({ card }: { card: RecordCard }) {
  const { t, locale } = useI18n();
  const currencies = useCurrencies();
  if (card.fields.length === 0) return null;
  return (
    <dl className="card-fields">
      {card.fields.map((f, i) => (
        <div key={`${i}-${f.field}`} data-field={f.field}>
          <dt>{keyText(f.key, f.label, t)}</dt>
          {f.valueKey ? <dd>{keyText(f.valueKey, f.value, t)}</dd> : <dd data-user-content="">{cell(card.set, f.field, { [f.field]: f.value }, t, locale, currencyOf(currencies, f.currency)).text || f.value}</dd>}
        </div>
      ))}
    </dl>
  );
}

// cardLine is a one-line summary of a card's fields (for lists).
export function cardLine(card: RecordCard, t: Translate, n = 3): string {
  return card.fields
    .map((f) => keyText(f.valueKey, f.value, t))
    .filter((v) => v !== '' && v !== card.title)
    .slice(0, n)
    .join(' · ');
}

// realTime says whether an optional timestamp holds a real time (Go sends
// the zero time, 0001-01-01, for "none").
export function realTime(iso: string | undefined): iso is string {
  if (!iso) return false;
  const d = new Date(iso);
  return !Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1970;
}
