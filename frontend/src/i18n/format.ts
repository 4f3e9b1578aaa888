// fill replaces {name} placeholders in a message. With a locale, a count
// is written for it (1 234 / 1,234) and {name, plural, one {…} other {…}}
// picks the form for the count by the language's plural rules
// (Intl.PluralRules: French "1 envoyée", "0 envoyée", "2 envoyées"); #
// in a form is the count. Without a locale a plural takes its other form.
export function fill(msg: string, values: Record<string, string | number>, locale?: string): string {
  const num = (v: string | number) => (typeof v === 'number' && locale ? v.toLocaleString(locale) : String(v));
  const plurals = msg.replace(/\{(\w+), plural,((?:\s*[=\w]+\s*\{[^{}]*\})+)\s*\}/g, (m, k: string, body: string) => {
    const v = values[k];
    if (typeof v !== 'number') return m;
    const forms = new Map([...body.matchAll(/([=\w]+)\s*\{([^{}]*)\}/g)].map((f) => [f[1]!, f[2]!]));
    const form = forms.get(`=${v}`) ?? (locale ? forms.get(new Intl.PluralRules(locale).select(v)) : undefined) ?? forms.get('other') ?? '';
    return form.replace(/#/g, num(v));
  });
  return plurals.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? num(values[k]!) : m));
}

// when formats a timestamp for the UI in the user's locale.
export function when(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}
