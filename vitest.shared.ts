// One vitest setup for every project: SWC keeps NestJS's decorator metadata
// (esbuild, vitest's default, drops it), and the source condition makes the
// workspace libraries resolve to their TypeScript so tests need no build.
import swc from 'unplugin-swc';
import { defineProject } from 'vitest/config';

export const SOURCE_CONDITION = '@banana-market/source';

export function projectConfig(name: string, overrides: { testTimeout?: number; globalSetup?: string[] } = {}) {
  return defineProject({
    plugins: [
      swc.vite({
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
      }),
    ],
    resolve: { conditions: [SOURCE_CONDITION] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      globalSetup: overrides.globalSetup,
    },
  });
}
