/**
 * The several-servers test's checks, pure so that cluster/checks.test.ts can
 * show each one fail: every order answered exactly once (an order whose HTTP
 * request died with its server at most once), the tasks of the action group
 * owned once each, one market leader, and one price per tick without a gap.
 */
import { TOPICS } from '@banana-market/protocol';

/** The tasks of the action group: one per partition of the action topics (market-orders, investment-orders, feed-monkeys). */
export const TASKS = TOPICS.marketOrders.partitions;

/** What /api/health reports of the cluster (issue 16's contract); the fields are optional because a server may not have them yet. */
export interface ClusterHealth {
  readonly status?: string;
  readonly marketLeader?: boolean;
  readonly tasks?: ReadonlyArray<{ readonly partition: number; readonly lag: number | null }>;
}

/** How often an order must be on txn-results: an order written to Kafka or answered over HTTP exactly once; one whose request died, at most once. */
export type Expectation = 'exactly-once' | 'at-most-once';

/** The key of an answer: the trader's key on the bus (JSON) and the order's txnId. */
export const answerKey = (trader: string, txnId: string): string => `${trader}|${txnId}`;

export interface ExactlyOnceReport {
  /** Orders that must be answered and are not (yet). */
  readonly missing: string[];
  /** Orders answered more than once (or more than allowed). */
  readonly doubled: string[];
  /** Answers to orders of this run that nobody sent. */
  readonly extra: string[];
}

/** `counts`: how many results txn-results holds per answer key, for the orders of this run only. */
export function checkExactlyOnce(expected: ReadonlyMap<string, Expectation>, counts: ReadonlyMap<string, number>): ExactlyOnceReport {
  const missing: string[] = [];
  const doubled: string[] = [];
  const extra: string[] = [];
  for (const [key, expectation] of expected) {
    const n = counts.get(key) ?? 0;
    if (n === 0 && expectation === 'exactly-once') missing.push(key);
    else if (n > 1) doubled.push(`${key}: answered ${n} times`);
  }
  for (const [key, n] of counts) if (!expected.has(key)) extra.push(`${key}: answered ${n} times, never sent`);
  return { missing, doubled, extra };
}

/**
 * The tasks of the action group as the running servers report them: each of
 * the TASKS partitions owned by exactly one server; `sole`: that
 * server owns all of them; `everyOwnsSome`: no running server is idle.
 */
export function checkTasks(
  byServer: ReadonlyMap<string, ClusterHealth | undefined>,
  options: { sole?: string; everyOwnsSome?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const owners = new Map<number, string[]>();
  for (const [server, health] of byServer) {
    if (health === undefined) {
      problems.push(`${server}: no answer from /api/health`);
      continue;
    }
    if (!Array.isArray(health.tasks)) {
      problems.push(`${server}: /api/health has no "tasks" (${JSON.stringify(health).slice(0, 200)})`);
      continue;
    }
    if (options.everyOwnsSome && health.tasks.length === 0) problems.push(`${server}: owns no task`);
    for (const { partition } of health.tasks) owners.set(partition, [...(owners.get(partition) ?? []), server]);
  }
  for (let p = 0; p < TASKS; p++) {
    const who = owners.get(p) ?? [];
    if (who.length === 0) problems.push(`task ${p}: owned by no server`);
    else if (who.length > 1) problems.push(`task ${p}: owned by ${who.join(' and ')}`);
    else if (options.sole !== undefined && who[0] !== options.sole)
      problems.push(`task ${p}: owned by ${who[0]}, not by the survivor ${options.sole}`);
  }
  for (const p of owners.keys()) if (!Number.isInteger(p) || p < 0 || p >= TASKS) problems.push(`task ${p}: no such partition`);
  return problems;
}

/** Exactly one of the running servers leads the market. */
export function checkOneLeader(byServer: ReadonlyMap<string, ClusterHealth | undefined>): string[] {
  const flags = [...byServer].map(([server, health]) => [server, health?.marketLeader] as const);
  const missing = flags.filter(([, leads]) => typeof leads !== 'boolean').map(([server]) => `${server}: /api/health has no boolean "marketLeader"`);
  if (missing.length > 0) return missing;
  const leaders = flags.filter(([, leads]) => leads).map(([server]) => server);
  return leaders.length === 1 ? [] : [`${leaders.length} market leaders (${leaders.join(', ') || 'none'}) among ${flags.length} servers`];
}

/** A share-price record as the outside reader saw it: the game time it carries and when it arrived. */
export interface SeenPrice {
  readonly time: string;
  readonly coins: number;
  readonly receivedAt: number;
}

/**
 * One price per tick: game times strictly increasing (none repeated, as two
 * leaders at once would write), and no gap longer than `maxGapMs` between
 * consecutive prices, in game time or in when they arrived.
 */
export function checkPrices(prices: readonly SeenPrice[], maxGapMs: number): string[] {
  const problems: string[] = [];
  for (let i = 1; i < prices.length; i++) {
    const [a, b] = [prices[i - 1], prices[i]];
    const gameGap = Date.parse(b.time) - Date.parse(a.time);
    if (gameGap === 0) problems.push(`price ${i}: a second price for the tick at ${b.time} (${a.coins}, then ${b.coins})`);
    else if (gameGap < 0) problems.push(`price ${i}: game time went back from ${a.time} to ${b.time}`);
    else if (gameGap > maxGapMs) problems.push(`price ${i}: ${gameGap} ms of game time after the previous one (${a.time} → ${b.time})`);
    const wallGap = b.receivedAt - a.receivedAt;
    if (wallGap > maxGapMs) problems.push(`price ${i}: arrived ${wallGap} ms after the previous one (at ${new Date(b.receivedAt).toISOString()})`);
  }
  return problems;
}
