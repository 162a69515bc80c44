/** Vitest global setup: build the pages once for all browser test files (they share dist/, which a build empties). */
import { buildScoreboard } from './scoreboard-build.js';

export default async function buildOnce(): Promise<void> {
  await buildScoreboard();
}
