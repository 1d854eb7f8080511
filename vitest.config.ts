import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // 2-core machines: threads compete with the pipeline's own worker pools inside tests.
    maxWorkers: 2,
  },
});
