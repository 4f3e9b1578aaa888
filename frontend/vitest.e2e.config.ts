import { defineConfig } from 'vitest/config';

// End-to-end tests: the built rapport binary in browser mode, driven by
// Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    // A scenario runs several sync rounds, each paced under Graph's
    // published limits as the engine paces a real tenant (1 read/s per
    // conversation, 19/s in all): 3–5 s a round on the small demo, so
    // the longest (guests, up to a dozen rounds) took 46–61 s on 2 cores
    // and timed out in CI at 60 s. A hang still fails, after three
    // minutes.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
