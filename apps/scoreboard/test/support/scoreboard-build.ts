/** Builds the page with Vite into apps/scoreboard/dist, where the game server serves it from. */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const SCOREBOARD_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function buildScoreboard(): Promise<void> {
  await build({ configFile: `${SCOREBOARD_ROOT}vite.config.ts`, logLevel: 'warn' });
}
