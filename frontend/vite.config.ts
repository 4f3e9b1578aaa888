import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';

// The policy lives in app/web.go (const CSP); read it from there so the
// window (meta tag) and browser mode (header) can never drift apart.
function cspFromGo(): string {
  const src = readFileSync(new URL('../app/web.go', import.meta.url), 'utf8');
  const m = /const CSP = ((?:"[^"]*"\s*\+?\s*)+)/.exec(src);
  if (!m) throw new Error('CSP constant not found in app/web.go');
  return [...m[1]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]).join('');
}

// Built pages carry the CSP as a meta tag too: the Wails window loads them
// through its own asset server, and a meta policy survives any transport.
// The dev server is left without it (Vite's HMR needs inline scripts).
function cspMeta(): Plugin {
  return {
    name: 'rapport-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: cspFromGo().replace(/; frame-ancestors 'none'/, '') }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, modulePreload: { polyfill: false } },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
