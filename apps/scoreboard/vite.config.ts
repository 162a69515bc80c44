/**
 * Builds the spectators' page into dist/, which the game server serves at /,
 * the room's gibber page, served at /gibber, the coach's page at /coach/, its join codes at /coach/teams and
 * the morning's progress board at /coach/morning.
 * The source condition makes `@banana-market/sdk` resolve to its TypeScript,
 * so the page imports the protocol's schemas without a separate SDK build.
 */
import { defaultClientConditions, defineConfig } from 'vite';

export const SOURCE_CONDITION = '@banana-market/source';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    // The scoreboard at /, the room's gibber at /gibber and the coach's printable join codes at /coach/teams
    // (the server maps a path to its .html file).
    rollupOptions: {
      input: {
        scoreboard: `${import.meta.dirname}/index.html`,
        gibber: `${import.meta.dirname}/gibber.html`,
        coachTeams: `${import.meta.dirname}/coach/teams.html`,
        coach: `${import.meta.dirname}/coach/index.html`,
        coachMorning: `${import.meta.dirname}/coach/morning.html`,
        report: `${import.meta.dirname}/report/index.html`,
        trader: `${import.meta.dirname}/trader/index.html`,
      },
    },
    emptyOutDir: true,
    target: 'es2022',
    // Phaser alone is ~1.2 MB minified: one file, loaded once per projector, is fine.
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
  // `npm run dev`: the page with reload, talking to a game server on :3000 (npm start).
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/ws': { target: 'ws://localhost:3000', ws: true },
    },
  },
  logLevel: 'warn',
});
