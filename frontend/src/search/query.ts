// Composing query text: facets AND a clause into what the user typed.

// The parser's delimiters (search/query): ASCII and full-width parentheses,
// and three kinds of quotes. Quoted text has no escapes.
const closing: Record<string, string> = { '"': '"', '“': '”', '「': '」' };
const isOpen = (ch: string) => ch === '(' || ch === '（';
const isClose = (ch: string) => ch === ')' || ch === '）';

// clauses splits a query into its top-level clauses: white space separates
// them except inside quotes and parentheses.
export function clauses(q: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quote = ''; // the closing quote awaited, if inside quotes
  for (const ch of q) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
      continue;
    }
    if (closing[ch]) quote = closing[ch];
    else if (isOpen(ch)) depth++;
    else if (isClose(ch)) depth = Math.max(0, depth - 1);
    else if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

// quote wraps a value in the first kind of quotes it does not contain.
function quote(v: string): string {
  for (const [o, c] of Object.entries(closing)) if (!v.includes(c)) return `${o}${v}${c}`;
  return `"${v.replace(/"/g, '')}"`;
}

const isQuoted = (v: string) => v.length >= 2 && closing[v[0]!] === v[v.length - 1];

// normalizeClause quotes an operator's value when it holds spaces or
// delimiters: from:Li Wei → from:"Li Wei". Quoted values and bare words
// are kept.
export function normalizeClause(clause: string): string {
  const c = clause.trim();
  const m = /^(-?[A-Za-z]+[:：])(.*)$/s.exec(c);
  if (!m) return c;
  const [, op, value] = m as unknown as [string, string, string];
  if (isQuoted(value) || !/[\s()（）"“「]/.test(value)) return c;
  return op + quote(value);
}

const same = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

// hasClause reports whether q already holds clause at its top level.
export function hasClause(q: string, clause: string): boolean {
  const c = normalizeClause(clause);
  return clauses(q).some((x) => same(x, c));
}

// addClause ANDs clause into q. A query with a top-level OR is wrapped in
// parentheses first, so the clause narrows the whole query whatever OR's
// precedence. A clause already there is not added twice.
export function addClause(q: string, clause: string): string {
  const c = normalizeClause(clause);
  if (!c) return q;
  const parts = clauses(q);
  if (parts.some((x) => same(x, c))) return q;
  if (parts.length === 0) return c;
  const base = parts.join(' ');
  return parts.includes('OR') ? `(${base}) ${c}` : `${base} ${c}`;
}

// removeClause drops clause from q's top level.
export function removeClause(q: string, clause: string): string {
  const c = normalizeClause(clause);
  return clauses(q)
    .filter((x) => !same(x, c))
    .join(' ');
}

// toggleClause adds clause, or removes it when it is already there.
export function toggleClause(q: string, clause: string): string {
  return hasClause(q, clause) ? removeClause(q, clause) : addClause(q, clause);
}
