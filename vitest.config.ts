import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Scratch experiments live in .trustscan-tmp/ (gitignored) and must never join the suite.
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
