import { projectConfig } from '../../vitest.shared.js';

// Browser tests build the page and drive Chromium against a real server: give them time.
export default projectConfig('scoreboard', { testTimeout: 60_000 });
