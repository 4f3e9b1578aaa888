// The theme's colour pairs meet WCAG AA (4.5:1 for text) in light and in
// dark, computed from styles.css's variables: the importance badges, links
// and badges in the accent, muted text, highlights and errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const css = readFileSync(join(process.cwd(), 'src', 'styles.css'), 'utf8');

function vars(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

// luminance is WCAG 2's relative luminance of #rrggbb.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const light = vars(':root');
const themes = { light, dark: { ...light, ...vars(":root[data-theme='dark']") } };
const pairs: [string, string][] = [
  ['badge-fg', 'badge-urgent'],
  ['badge-fg', 'badge-high'],
  ['fg', 'bg'],
  ['fg', 'card'],
  ['muted', 'bg'],
  ['muted', 'card'],
  ['accent', 'card'],
  ['mark-fg', 'mark-bg'],
  ['error-fg', 'error-bg'],
];

describe.each(Object.entries(themes))('%s theme', (_name, v) => {
  test.each(pairs)('%s on %s is at least 4.5:1', (fg, bg) => {
    expect(v[fg], fg).toBeDefined();
    expect(v[bg], bg).toBeDefined();
    expect(contrast(v[fg]!, v[bg]!)).toBeGreaterThanOrEqual(4.5);
  });
});

test('the badges take their colours from the variables', () => {
  expect(css).toMatch(/\.badge \{[^}]*color: var\(--badge-fg\); background: var\(--badge-urgent\)/);
  expect(css).toMatch(/\.badge\.high \{ background: var\(--badge-high\); \}/);
});

test('the formula: white on black is 21:1, on an orange such as #e67e22 2.8:1', () => {
  expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
  expect(contrast('#ffffff', '#e67e22')).toBeCloseTo(2.8, 1);
});
