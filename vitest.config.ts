import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // e2e suites spawn real processes; they run serially in their own project to fit 2 cores.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/compliance/**/*.test.ts', 'test/sim/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
    testTimeout: 60_000,
    reporters: ['default'],
  },
});
