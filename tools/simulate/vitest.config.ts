import { projectConfig } from '../../vitest.shared.js';

// The economy's regression suite plays hours of virtual time per seed: minutes of CPU, bounded by the seeds it plays.
export default projectConfig('simulate', { testTimeout: 300_000 });
