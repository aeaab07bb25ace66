import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['workflows/**/*.test.ts', 'server/**/*.test.ts', 'drizzle/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    // Starting a harness (PGlite, migrations) and replaying every run when it closes can take a while on a busy 2-core machine.
    hookTimeout: 120_000,
  },
});
