/**
 * What the room sees when it gibbs, in seeded virtual time through the real
 * server and a replay source: the same seed with and without gibbs walks the
 * same base price, so the difference between the two games is the hype alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BURST_FACTORS_2018, type EngineEvent } from '@banana-market/engine';
import type { GameEvent } from '@banana-market/protocol';
import { startTestServer, virtualClock } from '../support/test-server.js';
import { runTicks } from '../support/virtual-time.js';

const SEED = 'gibbs-move-the-market';
const dir = mkdtempSync(join(tmpdir(), 'hype-'));
const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const server of opened) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Played {
  /** Published price per tick (index = tick). */
  readonly prices: number[];
  readonly events: GameEvent[];
}

/** A game of `ticks` one-second ticks; `gibbs` (seconds after start, text) are replayed from a file. */
async function play(ticks: number, gibbs: readonly (readonly [number, string])[]): Promise<Played> {
  // The 2018 hype (no cap per gibb, no fading, bursts at 0.01 per hype): these figures are the 2018 game's.
  const env: Record<string, string> = { GAME_SEED: SEED, GAME_RULES_PRESET: 'mktd2018' };
  if (gibbs.length > 0) {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.jsonl`);
    writeFileSync(
      file,
      gibbs.map(([at, text]) => JSON.stringify({ time: new Date(Date.UTC(2026, 10, 22) + at * 1000).toISOString(), text })).join('\n'),
    );
    env.GIBB_REPLAY_FILE = file;
  }
  const clock = virtualClock();
  const server = await startTestServer({ clock, env });
  opened.push(server);
  const prices: number[] = [];
  const events: GameEvent[] = [];
  server.game.onEvents((batch: readonly EngineEvent[]) => {
    for (const event of batch) {
      if (event.kind === 'price') prices[event.tick] = event.price.coins;
      if (event.kind === 'game-event') events.push(event.event);
    }
  });
  // The first replayed gibb is due when the replay starts; offsets are from it.
  await runTicks(server, clock, ticks);
  return { prices, events };
}

const at = (from: number, count: number, every: number, text: string) => Array.from({ length: count }, (_, i) => [from + i * every, text] as const);

describe('gibbs move the market', () => {
  let control: Played;

  it('a burst of positive gibbs raises the price within a few ticks; negative ones lower it', async () => {
    control = await play(40, []);
    // The replay starts at its first line: an early neutral gibb anchors the burst ten seconds in.
    const positive = await play(40, [[0, 'good morning room'], ...at(10.2, 10, 0.1, 'banana great, love it #MKTD')]);
    const negative = await play(40, [[0, 'good morning room'], ...at(10.2, 10, 0.1, 'banana bad, sell, I hate it')]);

    // Same seed, no hype yet: the very same prices.
    expect(positive.prices.slice(1, 11)).toEqual(control.prices.slice(1, 11));
    expect(negative.prices.slice(1, 11)).toEqual(control.prices.slice(1, 11));
    // Each positive gibb adds +0.03 (great, love, mktd), each negative one −0.03 (bad, sell, hate).
    const firstHigher = positive.prices.findIndex((price, tick) => tick > 10 && price - control.prices[tick] > 0.25);
    const firstLower = negative.prices.findIndex((price, tick) => tick > 10 && control.prices[tick] - price > 0.25);
    console.log(
      `positive burst: +${(positive.prices[firstHigher] - control.prices[firstHigher]).toFixed(3)} coins at tick ${firstHigher}; negative burst: −${(control.prices[firstLower] - negative.prices[firstLower]).toFixed(3)} at tick ${firstLower}`,
    );
    expect(firstHigher).toBeGreaterThan(10);
    expect(firstHigher).toBeLessThanOrEqual(13);
    expect(firstLower).toBeGreaterThan(10);
    expect(firstLower).toBeLessThanOrEqual(13);
    expect(positive.events.filter((e) => e.type === 'HYPE_CHANGED')).toHaveLength(10);
  });

  it('a long positive run eventually bursts the bubble, in its ten steps five seconds apart', async () => {
    const run = await play(600, at(0, 300, 1, 'banana super great, love #MKTD'));
    const started = run.events.findIndex((e) => e.type === 'BUBBLE_BURST_STARTED');
    expect(started, 'a burst started during the 10-minute game').toBeGreaterThanOrEqual(0);
    const steps = run.events
      .slice(started)
      .filter((e) => e.type === 'BUBBLE_BURST_STEP')
      .slice(0, 10);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(steps.map((s) => s.factor)).toEqual([...BURST_FACTORS_2018]);
    const times = steps.map((s) => Date.parse(s.time));
    expect(times.slice(1).map((t, i) => t - times[i])).toEqual(Array(9).fill(5000));
    const startedAt = Date.parse(run.events[started].time);
    console.log(
      `burst started ${(startedAt - Date.UTC(2026, 10, 22, 10)) / 1000} s into the run at hype ${(run.events[started] as { hype: number }).hype.toFixed(2)}`,
    );
    // The price follows the hype down during the steps that shrink it.
    const tickOf = (time: number) => Math.round((time - Date.UTC(2026, 10, 22, 10)) / 1000);
    expect(run.prices[tickOf(times[7])]).toBeLessThan(run.prices[tickOf(startedAt)]);
  }, 60_000);
});
