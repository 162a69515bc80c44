import { projectConfig } from '../../vitest.shared.js';

// Browser tests drive Chromium against a real server: give them time. The
// page is built once, before any test file, since every file serves the same dist/.
export default projectConfig('scoreboard', { testTimeout: 60_000, globalSetup: ['test/support/build-once.ts'] });
