// The folders' dependencies, checked: display/ (how messages, records and
// addresses are shown, shared by the views) imports no view folder;
// search/ and links/ import no section; nothing but tests imports the
// fakes in testing/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

// Vitest runs in frontend/ (its config's root).
const src = join(process.cwd(), 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

// imports lists the src folders a file imports from ('api', 'search', …).
function imports(file: string): string[] {
  const from = relative(src, file).split('/').slice(0, -1);
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']*)'/gm)].map((m) => {
    const parts = [...from];
    for (const seg of m[1]!.split('/')) {
      if (seg === '..') parts.pop();
      else if (seg !== '.') parts.push(seg);
    }
    return parts.length > 1 ? parts[0]! : '';
  });
}

const code = files(src).filter((f) => !/\.test\.tsx?$/.test(f));
const folder = (f: string) => relative(src, f).split('/')[0];

describe('folders', () => {
  test.each([
    ['display', ['sections', 'search', 'links', 'testing']],
    ['search', ['sections', 'links', 'testing']],
    ['links', ['sections', 'search', 'testing']],
    ['tags', ['sections', 'search', 'links', 'testing']],
    ['api', ['sections', 'search', 'links', 'display', 'testing']],
    ['sections', ['testing']],
  ])('%s/ imports none of %j', (dir, banned) => {
    const bad = code.filter((f) => folder(f) === dir).flatMap((f) => imports(f).filter((d) => banned.includes(d)).map((d) => `${relative(src, f)} → ${d}/`));
    expect(bad).toEqual([]);
  });
  test('test fakes live in testing/', () => {
    expect(files(src).filter((f) => /\/fake\w+\.ts$/.test(f) && folder(f) !== 'testing').map((f) => relative(src, f))).toEqual([]);
  });
});
