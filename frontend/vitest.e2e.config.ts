import { defineConfig } from 'vitest/config';

// End-to-end tests: the built rapport binary in browser mode, driven by
// Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
