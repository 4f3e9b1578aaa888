// Currencies: a Dynamics record's money columns are in the record's
// currency (currencyColumn, a lookup to the synced currencySet table);
// amounts show in the UI's locale with that currency's ISO code. An
// amount whose currency is unknown stays a plain number, never a guess.
import { useEffect, useState } from 'react';
import { api, currencyCode, currencySet, type CrmRecord } from '../api';

export type Currencies = ReadonlyMap<string, string>; // currency id (lower case) → ISO 4217 code

let cached: { version: number; list: Promise<Currencies> } | null = null;

// loadCurrencies reads the currency table once per store version.
function loadCurrencies(version: number): Promise<Currencies> {
  if (!cached || cached.version !== version) {
    cached = {
      version,
      list: api.records.list(currencySet).then(
        (rows: CrmRecord[]) => {
          const m = new Map<string, string>();
          for (const r of rows) {
            const code = r.fields[currencyCode];
            if (!r.deleted && typeof code === 'string' && /^[A-Z]{3}$/.test(code)) m.set(r.id.toLowerCase(), code);
          }
          return m;
        },
        () => new Map(),
      ),
    };
  }
  return cached.list;
}

// useCurrencies is the currency table (empty until read).
export function useCurrencies(version = 0): Currencies {
  const [m, setM] = useState<Currencies>(() => new Map());
  useEffect(() => {
    let live = true;
    loadCurrencies(version).then((x) => live && setM(x));
    return () => {
      live = false;
    };
  }, [version]);
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
