/**
 * The invariants of the crash test, as pure functions over what the bus holds
 * (txn-results, trader-states, share-price) and what the test itself sent.
 * Each returns a list of violations, each naming the trader and txnId, so a
 * failing test says exactly what went wrong: [] means the invariant holds.
 */
import type { GameRules } from '@banana-market/engine';
import type { SharePrice, TraderState, TxnResult } from '@banana-market/protocol';

/** Coins are floats: sums of a few thousand of them agree to this. */
export const COIN_TOLERANCE = 1e-6;

/** One txn-results record: the trader's key (its JSON, as on the bus) and the result. */
export interface LoggedResult {
  readonly trader: string;
  readonly result: TxnResult;
}

/** An order the test sent, as it sent it (for the test's own traders: their orders' sizes are known). */
export type SentOrder =
  | { readonly kind: 'market'; readonly type: 'BUY' | 'SELL'; readonly shares: number }
  | { readonly kind: 'invest'; readonly invested: number }
  | { readonly kind: 'feed'; readonly monkeys: number };

export const answerKey = (trader: string, txnId: string, type: string): string => `${trader}|${txnId}|${type}`;
export const orderKey = (trader: string, txnId: string): string => `${trader}|${txnId}`;

type Numbers = Omit<TraderState, 'time'>;

function numbers(state: TraderState | Numbers): Numbers {
  const { coins, shares, bailouts, fedMonkeys, inFlightInvestments } = state;
  return { coins, shares, bailouts, fedMonkeys, inFlightInvestments };
}

function startState(rules: GameRules): Numbers {
  return { coins: rules.startCoins, shares: rules.startShares, bailouts: 0, fedMonkeys: 0, inFlightInvestments: 0 };
}

const show = (value: unknown): string => JSON.stringify(value);

/**
 * Exactly once: a txnId is answered once per result type. The bus may carry an
 * answer more than once (a replayed order is answered again, with identical
 * content), so records are grouped by (trader, txnId, type): every copy must
 * equal the first. Returns the distinct answers in log order (a trader's
 * answers share a partition, so each trader's order is the order of
 * execution) and the violations.
 */
export function distinctAnswers(log: readonly LoggedResult[]): { distinct: LoggedResult[]; copies: Map<string, number>; violations: string[] } {
  const first = new Map<string, LoggedResult>();
  const copies = new Map<string, number>();
  const distinct: LoggedResult[] = [];
  const violations: string[] = [];
  for (const entry of log) {
    const key = answerKey(entry.trader, entry.result.txnId, entry.result.type);
    copies.set(key, (copies.get(key) ?? 0) + 1);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, entry);
      distinct.push(entry);
    } else if (show(earlier.result) !== show(entry.result)) {
      violations.push(`${key}: answered twice differently (applied twice?): first ${show(earlier.result)}, then ${show(entry.result)}`);
    }
  }
  return { distinct, copies, violations };
}

/** What the chain of logged results adds up to, over all traders: the terms of the conservation law. */
export interface EconomyTotals {
  bailouts: number;
  /** Coins paid back by plantations (RETURN), and coins put into them (INVEST). */
  payouts: number;
  invested: number;
  /** BUY: coins paid (price × shares × (1 + fee)) and shares bought; SELL: coins earned and shares sold. */
  buyCosts: number;
  bought: number;
  sellProceeds: number;
  sold: number;
  fed: number;
  investments: number;
  returns: number;
}

export interface ChainReport {
  readonly violations: string[];
  /** Each trader's last logged state (the start endowment when it has no result). */
  readonly lastState: Map<string, Numbers>;
  readonly totals: EconomyTotals;
  /** Accepted investments: trader|txnId → the game time it was made and whether (and when) it paid back. */
  readonly plantations: Map<string, { trader: string; txnId: string; at: number; returnedAt?: number }>;
}

/**
 * Replay of each trader's accepted actions: starting from the start endowment
 * (rules.startCoins, rules.startShares, nothing else), each distinct logged
 * result must follow from the state before it by its type:
 *   MARKET BUY n   shares +n, coins −n·p·(1+fee) with p within the published price range
 *   MARKET SELL n  shares −n, coins +n·p·(1−fee)
 *   INVEST x       coins −x exactly, inFlight +1
 *   FEED n         shares −n, fedMonkeys +n
 *   RETURN         inFlight −1, coins +payout ≥ 0, for an earlier INVEST of the same txnId, due
 *                  no earlier than investDelayMs after it (none paid twice)
 *   BAILOUT        coins +bailoutCoins, shares +bailoutShares, bailouts +1, nothing in flight
 *   INSUFFICIENT_* nothing changes
 * and every other field stays as it was. For the test's own traders the
 * size sent is known (`sent`) and must match the change exactly.
 */
export function checkChains(
  distinct: readonly LoggedResult[],
  rules: GameRules,
  sent: ReadonlyMap<string, SentOrder>,
  priceRange: { min: number; max: number },
  traders: Iterable<string> = [],
): ChainReport {
  const violations: string[] = [];
  const lastState = new Map<string, Numbers>();
  for (const trader of traders) lastState.set(trader, startState(rules));
  const totals: EconomyTotals = {
    bailouts: 0,
    payouts: 0,
    invested: 0,
    buyCosts: 0,
    bought: 0,
    sellProceeds: 0,
    sold: 0,
    fed: 0,
    investments: 0,
    returns: 0,
  };
  const plantations = new Map<string, { trader: string; txnId: string; at: number; returnedAt?: number }>();
  const eps = 1e-9;
  for (const { trader, result } of distinct) {
    const before = lastState.get(trader) ?? startState(rules);
    const after = numbers(result.state);
    const d = {
      coins: after.coins - before.coins,
      shares: after.shares - before.shares,
      bailouts: after.bailouts - before.bailouts,
      fedMonkeys: after.fedMonkeys - before.fedMonkeys,
      inFlightInvestments: after.inFlightInvestments - before.inFlightInvestments,
    };
    const where = `${trader} txnId ${result.txnId} ${result.type} ${result.status}`;
    const fail = (what: string) => violations.push(`${where}: ${what} (before ${show(before)}, after ${show(after)})`);
    /** The fields the result's type may not change must not move. */
    const unchanged = (...fields: Array<keyof Numbers>) => {
      for (const f of fields) if (Math.abs(d[f]) > eps) fail(`${f} changed by ${d[f]}`);
    };
    const order = sent.get(orderKey(trader, result.txnId));
    if (after.coins < -eps || after.shares < 0 || after.inFlightInvestments < 0) fail('negative holdings');

    if (result.status === 'INSUFFICIENT_COINS' || result.status === 'INSUFFICIENT_SHARES') {
      unchanged('coins', 'shares', 'bailouts', 'fedMonkeys', 'inFlightInvestments');
      if (result.type !== 'MARKET' && result.type !== 'INVEST' && result.type !== 'FEED') fail('an action status on a non-action result');
    } else if (result.status !== 'ACCEPTED') {
      fail('a status other than ACCEPTED/INSUFFICIENT_* on txn-results');
    } else {
      switch (result.type) {
        case 'MARKET': {
          unchanged('bailouts', 'fedMonkeys', 'inFlightInvestments');
          if (order !== undefined && (order.kind !== 'market' || d.shares !== (order.type === 'BUY' ? order.shares : -order.shares))) {
            fail(`shares changed by ${d.shares} for the order ${show(order)}`);
          }
          if (d.shares > 0) {
            const unit = -d.coins / d.shares / (1 + rules.tradeFee);
            if (!(d.coins < 0) || unit < priceRange.min * (1 - 1e-9) || unit > priceRange.max * (1 + 1e-9)) {
              fail(
                `a BUY of ${d.shares} cost ${-d.coins} coins: ${unit} per share, outside the published prices [${priceRange.min}, ${priceRange.max}]`,
              );
            }
            totals.bought += d.shares;
            totals.buyCosts += -d.coins;
          } else if (d.shares < 0) {
            const unit = d.coins / -d.shares / (1 - rules.tradeFee);
            if (!(d.coins > 0) || unit < priceRange.min * (1 - 1e-9) || unit > priceRange.max * (1 + 1e-9)) {
              fail(
                `a SELL of ${-d.shares} earned ${d.coins} coins: ${unit} per share, outside the published prices [${priceRange.min}, ${priceRange.max}]`,
              );
            }
            totals.sold += -d.shares;
            totals.sellProceeds += d.coins;
          } else fail('an accepted MARKET order moved no share');
          break;
        }
        case 'INVEST': {
          unchanged('shares', 'bailouts', 'fedMonkeys');
          if (d.inFlightInvestments !== 1) fail(`inFlightInvestments changed by ${d.inFlightInvestments}, not +1`);
          if (order !== undefined && (order.kind !== 'invest' || Math.abs(d.coins + order.invested) > eps)) {
            fail(`coins changed by ${d.coins} for the order ${show(order)}`);
          }
          if (!(d.coins < 0)) fail(`an investment took ${-d.coins} coins`);
          totals.invested += -d.coins;
          totals.investments += 1;
          const key = orderKey(trader, result.txnId);
          if (plantations.has(key)) fail('a second accepted INVEST of the same txnId');
          plantations.set(key, { trader, txnId: result.txnId, at: Date.parse(result.state.time) });
          break;
        }
        case 'FEED': {
          unchanged('coins', 'bailouts', 'inFlightInvestments');
          if (d.fedMonkeys !== -d.shares || d.fedMonkeys <= 0) fail(`fed ${d.fedMonkeys} monkeys for ${-d.shares} shares`);
          if (order !== undefined && (order.kind !== 'feed' || d.fedMonkeys !== order.monkeys))
            fail(`fed ${d.fedMonkeys} for the order ${show(order)}`);
          totals.fed += d.fedMonkeys;
          break;
        }
        case 'RETURN': {
          unchanged('shares', 'bailouts', 'fedMonkeys');
          if (d.inFlightInvestments !== -1) fail(`inFlightInvestments changed by ${d.inFlightInvestments}, not −1`);
          if (d.coins < -eps) fail(`a plantation paid ${d.coins} coins`);
          const plantation = plantations.get(orderKey(trader, result.txnId));
          if (plantation === undefined) fail('a RETURN without an accepted INVEST before it');
          else if (plantation.returnedAt !== undefined) fail('a plantation paid twice');
          else {
            plantation.returnedAt = Date.parse(result.state.time);
            const delay = plantation.returnedAt - plantation.at;
            // A pause (or a frozen game) postpones it: never earlier than investDelayMs.
            if (rules.plantationModel === 'saturating' && delay < rules.investDelayMs) {
              fail(`paid ${delay} ms of game time after the investment, before investDelayMs = ${rules.investDelayMs}`);
            }
          }
          totals.payouts += d.coins;
          totals.returns += 1;
          break;
        }
        case 'BAILOUT': {
          unchanged('fedMonkeys', 'inFlightInvestments');
          if (Math.abs(d.coins - rules.bailoutCoins) > eps || d.shares !== rules.bailoutShares || d.bailouts !== 1) {
            fail(`a bailout gave ${d.coins} coins, ${d.shares} shares, ${d.bailouts} bailouts`);
          }
          if (before.inFlightInvestments !== 0) fail('a bailout with a plantation in flight');
          totals.bailouts += 1;
          break;
        }
      }
    }
    lastState.set(trader, after);
  }
  return { violations, lastState, totals, plantations };
}

/** Each trader's state on trader-states (the newest value of its key) must be its last logged state. */
export function checkStatesMatchLog(states: ReadonlyMap<string, TraderState>, lastState: ReadonlyMap<string, Numbers>): string[] {
  const violations: string[] = [];
  for (const [trader, logged] of lastState) {
    const stored = states.get(trader);
    if (stored === undefined) violations.push(`${trader}: has results on txn-results but no trader-states entry`);
    else if (!sameNumbers(numbers(stored), logged)) {
      violations.push(`${trader}: trader-states says ${show(numbers(stored))}, its last logged result says ${show(logged)}`);
    }
  }
  return violations;
}

function sameNumbers(a: Numbers, b: Numbers): boolean {
  return (
    Math.abs(a.coins - b.coins) <= 1e-9 &&
    a.shares === b.shares &&
    a.bailouts === b.bailouts &&
    a.fedMonkeys === b.fedMonkeys &&
    a.inFlightInvestments === b.inFlightInvestments
  );
}

/**
 * Conservation, over the N traders of trader-states (house bots included):
 *
 *   Σ coins  = N·startCoins  + Σbailouts·bailoutCoins  + Σ RETURN payouts − Σ invested − Σ BUY costs + Σ SELL proceeds
 *   Σ shares = N·startShares + Σbailouts·bailoutShares + Σ bought − Σ sold − Σ fed
 *   Σ bailouts = number of BAILOUT results;  Σ fedMonkeys = Σ fed;
 *   Σ inFlightInvestments = accepted INVESTs − RETURNs
 *
 * The left sides come from trader-states (what a restarted server restores),
 * the right sides from the typed results of txn-results: no coin or share
 * appears or vanishes except through an answered transaction.
 */
export function checkConservation(states: ReadonlyMap<string, TraderState>, totals: EconomyTotals, rules: GameRules): string[] {
  const all = [...states.values()];
  const n = all.length;
  const sum = (f: (s: TraderState) => number) => all.reduce((acc, s) => acc + f(s), 0);
  const coins = sum((s) => s.coins);
  const expectedCoins =
    n * rules.startCoins + totals.bailouts * rules.bailoutCoins + totals.payouts - totals.invested - totals.buyCosts + totals.sellProceeds;
  const shares = sum((s) => s.shares);
  const expectedShares = n * rules.startShares + totals.bailouts * rules.bailoutShares + totals.bought - totals.sold - totals.fed;
  const violations: string[] = [];
  const terms = `N=${n}, ${show(totals)}`;
  if (Math.abs(coins - expectedCoins) > COIN_TOLERANCE) violations.push(`Σcoins = ${coins}, the conservation law says ${expectedCoins} (${terms})`);
  if (shares !== expectedShares) violations.push(`Σshares = ${shares}, the conservation law says ${expectedShares} (${terms})`);
  const bailouts = sum((s) => s.bailouts);
  if (bailouts !== totals.bailouts) violations.push(`Σbailouts = ${bailouts}, but ${totals.bailouts} BAILOUT results`);
  const fed = sum((s) => s.fedMonkeys);
  if (fed !== totals.fed) violations.push(`ΣfedMonkeys = ${fed}, but the FEED results fed ${totals.fed}`);
  const inFlight = sum((s) => s.inFlightInvestments);
  if (inFlight !== totals.investments - totals.returns) {
    violations.push(
      `ΣinFlightInvestments = ${inFlight}, but ${totals.investments} INVESTs − ${totals.returns} RETURNs = ${totals.investments - totals.returns}`,
    );
  }
  return violations;
}

/**
 * The price series (share-price, in order): game time only moves forward, no
 * tick moves the price by more than `maxFactor` (a restart that forgot the
 * market would jump back to the initial price), and the price never returns
 * to exactly the initial price (a continuous random walk does not land on it).
 */
export function checkPriceSeries(prices: readonly SharePrice[], initialPrice: number, maxFactor: number): string[] {
  const violations: string[] = [];
  for (let i = 1; i < prices.length; i++) {
    const [a, b] = [prices[i - 1], prices[i]];
    if (Date.parse(b.time) <= Date.parse(a.time)) violations.push(`tick ${i}: game time went from ${a.time} back to ${b.time}`);
    const factor = b.coins / a.coins;
    if (factor > maxFactor || factor < 1 / maxFactor)
      violations.push(`tick ${i}: the price jumped from ${a.coins} to ${b.coins} (×${factor.toFixed(3)}) at ${b.time}`);
    if (b.coins === initialPrice && a.coins !== initialPrice)
      violations.push(`tick ${i}: the price went back to the initial price ${initialPrice} (from ${a.coins}) at ${b.time}`);
  }
  return violations;
}
