import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/*/vitest.config.ts'],
    // Two test files at a time even on 2 cores (vitest's default there is one): most of the long files wait on
    // brokers, servers, browsers and child processes rather than compute, and each has its own broker, data
    // directory and ports. One at a time, the suite took 907-932 s on this 2-core machine; two at a time, 659 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
