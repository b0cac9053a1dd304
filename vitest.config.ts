import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core machines: run files in parallel but not more than the cores allow.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
