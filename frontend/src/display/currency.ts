// Currencies: a Dynamics record's money columns are in the record's
// currency (currencyColumn, a lookup to the synced currencySet table);
// amounts show in the UI's locale with that currency's ISO code. An
// amount whose currency is unknown stays a plain number, never a guess.
import { useEffect, useState } from 'react';
import { api, currencyCode, currencySet, Events, onEvent, type CrmRecord } from '../api';

export type Currencies = ReadonlyMap<string, string>; // currency id (lower case) → ISO 4217 code

// cached is the currency table as last read; a finished sync round drops
// it (useCurrencies), so the next reader reads it again.
let cached: Promise<Currencies> | null = null;

function loadCurrencies(): Promise<Currencies> {
  cached ??= api.records.list(currencySet).then(
    (rows: CrmRecord[]) => {
      const m = new Map<string, string>();
      for (const r of rows) {
        const code = r.fields[currencyCode];
        if (!r.deleted && typeof code === 'string' && /^[A-Z]{3}$/.test(code)) m.set(r.id.toLowerCase(), code);
      }
      return m;
    },
    () => {
      cached = null; // read again next time
      return new Map();
    },
  );
  return cached;
}

// useCurrencies is the currency table (empty until read), read again
// after every sync round.
export function useCurrencies(): Currencies {
  const [m, setM] = useState<Currencies>(() => new Map());
  const [round, setRound] = useState(0);
  useEffect(
    () =>
      onEvent(Events.syncDone, () => {
        cached = null;
        setRound((r) => r + 1);
      }),
    [],
  );
  useEffect(() => {
    let live = true;
    loadCurrencies().then((x) => live && setM(x));
    return () => {
      live = false;
    };
  }, [round]);
  return m;
}

// currencyOf is the ISO code of a currency id, when the table knows it.
export function currencyOf(currencies: Currencies, id: unknown): string | undefined {
  return typeof id === 'string' ? currencies.get(id.toLowerCase()) : undefined;
}

// money formats an amount in the locale, with its currency when known.
export function money(n: number, iso: string | undefined, locale: string): string {
  if (!iso) return n.toLocaleString(locale);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: iso }).format(n);
  } catch {
    return n.toLocaleString(locale); // a code Intl does not know
  }
}
