import { describe, expect, test } from 'vitest';
import { addClause, clauses, hasClause, normalizeClause, removeClause, toggleClause } from './query';

describe('clauses', () => {
  test('split on spaces outside quotes and parentheses', () => {
    expect(clauses('  invoice from:"Li Wei" (a OR b)  -draft ')).toEqual(['invoice', 'from:"Li Wei"', '(a OR b)', '-draft']);
  });
  test('full-width parentheses and the other quotes group too', () => {
    expect(clauses('in:“华东 实施” （付款 OR 退款） 「a b」')).toEqual(['in:“华东 实施”', '（付款 OR 退款）', '「a b」']);
    expect(clauses('x\u3000y')).toEqual(['x', 'y']); // ideographic space separates
  });
  test('an unclosed quote keeps the rest together', () => {
    expect(clauses('x "open phrase')).toEqual(['x', '"open phrase']);
  });
});

describe('composing a facet into the query', () => {
  test('into an empty query', () => {
    expect(addClause('', 'during:2026-03')).toBe('during:2026-03');
  });
  test('ANDed after what was typed', () => {
    expect(addClause('发票', 'from:"Li Wei"')).toBe('发票 from:"Li Wei"');
  });
  test('values with spaces are quoted', () => {
    expect(normalizeClause('from:Li Wei')).toBe('from:"Li Wei"');
    expect(addClause('invoice', 'in:Contoso Support')).toBe('invoice in:"Contoso Support"');
    expect(normalizeClause('-in:Contoso Support')).toBe('-in:"Contoso Support"');
  });
  test('a value holding a " is quoted with other quotes (the parser has no escapes)', () => {
    expect(normalizeClause('in:Project "Phoenix" team')).toBe('in:“Project "Phoenix" team”');
    expect(normalizeClause('from：张 伟')).toBe('from："张 伟"'); // full-width colon too
  });
  test('already quoted values and bare words are left alone', () => {
    expect(normalizeClause('in:“华东 实施”')).toBe('in:“华东 实施”');
    expect(normalizeClause('from:"Li Wei"')).toBe('from:"Li Wei"');
    expect(normalizeClause('#付款')).toBe('#付款');
    expect(normalizeClause('tag:技术故障')).toBe('tag:技术故障');
  });
  test('a top-level OR is grouped first, so the facet narrows all of it', () => {
    expect(addClause('invoice OR 发票', 'from:"Li Wei"')).toBe('(invoice OR 发票) from:"Li Wei"');
    // OR inside a group or a phrase is not top level.
    expect(addClause('(a OR b) c', 'is:urgent')).toBe('(a OR b) c is:urgent');
    expect(addClause('"this OR that"', 'is:urgent')).toBe('"this OR that" is:urgent');
  });
  test('a clause already there is not added twice (case-insensitively)', () => {
    expect(addClause('x FROM:"li wei"', 'from:"Li Wei"')).toBe('x FROM:"li wei"');
    expect(hasClause('x from:"Li Wei"', 'from:Li Wei')).toBe(true);
    expect(hasClause('x from:"Li Weiss"', 'from:"Li Wei"')).toBe(false);
  });
  test('toggle removes a clause that is there, and only it', () => {
    expect(toggleClause('invoice from:"Li Wei" is:urgent', 'from:"Li Wei"')).toBe('invoice is:urgent');
    expect(toggleClause('invoice', 'is:urgent')).toBe('invoice is:urgent');
    expect(removeClause('from:"Li Wei"', 'from:"Li Wei"')).toBe('');
  });
});
