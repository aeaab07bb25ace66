import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['workflows/**/*.test.ts', 'server/**/*.test.ts', 'drizzle/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
