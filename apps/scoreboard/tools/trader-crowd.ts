/**
 * A crowd of bot traders playing through the server's WebSocket gateway with
 * the SDK's client and built-in strategies: the load a full workshop puts on
 * the scoreboard. Each trader acts on a fixed rhythm; when its strategy
 * waits, it places a one-share order anyway, so the rate is what was asked.
 */
import seedrandom from 'seedrandom';
import { decisionToAction, MarketWatch, STRATEGIES, type BotDecision } from '@banana-market/engine';
import { NEW_TRADER_START } from '@banana-market/protocol';
import { BananaClient, WsTransport } from '@banana-market/sdk/client';

/** The teams of a room (15 of them: 60 traders at 4 a team), for the benchmark and the screenshot. */
export const ROOM_TEAMS = [
  'BONOBO',
  'GORILLA',
  'CHIMP',
  'MANDRILL',
  'GIBBON',
  'LEMUR',
  'MACAQUE',
  'TAMARIN',
  'BABOON',
  'ORANGOUTAN',
  'HOWLER',
  'CAPUCHIN',
  'MARMOSET',
  'SIAMANG',
  'COLOBUS',
] as const;

export interface CrowdOptions {
  readonly server: string;
  readonly teams: readonly string[];
  readonly tradersPerTeam: number;
  /** Actions per second of each trader. */
  readonly actionsPerSecond: number;
  readonly seed?: string;
}

export interface Crowd {
  readonly traders: number;
  /** Actions sent and results received so far. */
  readonly stats: { sent: number; answered: number; failed: number };
  stop(): Promise<void>;
}

export async function startCrowd(options: CrowdOptions): Promise<Crowd> {
  const strategies = Object.values(STRATEGIES);
  const stats = { sent: 0, answered: 0, failed: 0 };
  const specs = options.teams.flatMap((team, t) =>
    Array.from({ length: options.tradersPerTeam }, (_, i) => ({ team, name: `bot-${t}-${i}`, strategy: strategies[(t + i) % strategies.length] })),
  );
  const clients = await Promise.all(
    specs.map((spec) =>
      BananaClient.connect(new WsTransport({ server: options.server, trader: { team: spec.team, name: spec.name } }), { resultTimeoutMs: 30_000 }),
    ),
  );
  const intervalMs = 1000 / options.actionsPerSecond;
  const watches = clients.map(() => new MarketWatch());
  const timers = clients.map((client, k) => {
    const random = seedrandom(`${options.seed ?? 'crowd'}/${k}`);
    const act = () => {
      const price = client.price;
      const state = client.state ?? {
        time: '',
        coins: NEW_TRADER_START.coins,
        shares: NEW_TRADER_START.shares,
        bailouts: 0,
        fedMonkeys: 0,
        inFlightInvestments: 0,
      };
      const observation = watches[k].observe({
        price: price?.coins ?? 1,
        forecast: price?.forecast ?? 1,
        tick: 0,
        time: price?.time ?? new Date().toISOString(),
      });
      const decision: BotDecision = specs[k].strategy.decide({ ...observation, state, random })[0] ?? {
        kind: 'market',
        type: random() < 0.5 ? 'BUY' : 'SELL',
        shares: 1,
      };
      stats.sent++;
      client.execute(decisionToAction(decision, client.nextTxnId())).then(
        () => stats.answered++,
        () => stats.failed++,
      );
    };
    // Spread the traders over the interval rather than firing all at once.
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = setTimeout(() => (timer = setInterval(act, intervalMs)), random() * intervalMs);
    return () => {
      clearTimeout(start);
      clearInterval(timer);
    };
  });
  return {
    traders: clients.length,
    stats,
    stop: async () => {
      timers.forEach((stop) => stop());
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    },
  };
}
