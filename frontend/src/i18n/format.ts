// fill replaces {name} placeholders in a message.
export function fill(msg: string, values: Record<string, string | number>): string {
  return msg.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

// when formats a timestamp for the UI in the user's locale.
export function when(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
