import { projectConfig } from '../../vitest.shared.js';

// One broker for every test file of the project (test/support/broker.ts).
export default projectConfig('kafka', { globalSetup: ['test/support/broker.ts'] });
