/**
 * #MKTD tweets from X, through twitter-api-v2. The filtered stream first: one
 * rule for the configured terms (added only when X does not already have it),
 * then a long-lived connection that twitter-api-v2 reconnects as X documents
 * (our retry policy decides the waits). A token whose access level cannot
 * stream (403) falls back to polling recent search with `since_id`, so nothing
 * is read twice. A wrong token (401) stops the source with a clear status
 * instead of hammering X.
 *
 * The bearer token goes to twitter-api-v2 and nowhere else: failures are
 * described from their status and code only (see x-failure.ts), and every line
 * this source logs passes through redactSecret.
 */
import type { Agent } from 'node:https';
import type { Clock, TimerHandle } from '@banana-market/engine';
import type { GibbSourceStatus } from '@banana-market/protocol';
import { ETwitterStreamEvent, TwitterApi, TwitterApiv2, type TweetStream, type TweetV2SingleStreamResult } from 'twitter-api-v2';
import type { XSourceConfig } from '../../config/gibb-sources-config.js';
import type { GibbPublisher } from '../gibb-publisher.service.js';
import { SourceCounters, type GibbSource } from '../gibb-source.js';
import { classifyXFailure, redactSecret, type XFailure } from './x-failure.js';
import { resolveXConnection, type XConnectionOptions } from './x-connection-options.js';
import type { XRetryPolicy } from './x-retry-policy.js';
import { parseTweet, tweetToGibb } from './tweet-to-gibb.js';

/** Tags the rule this server owns, so a changed X_TERMS replaces it instead of piling rules up. */
export const X_RULE_TAG = 'banana-market';
/** X drops a stream that sent nothing (not even a keep-alive newline, sent every 20 s) for this long. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000;
/** Recent search pages read per poll: 100 tweets each, plenty for a room between two polls. */
const MAX_SEARCH_PAGES = 5;

export interface SourceLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface XGibbSourceOptions {
  readonly config: XSourceConfig;
  readonly publisher: GibbPublisher;
  readonly clock: Clock;
  readonly logger: SourceLogger;
  readonly connection?: XConnectionOptions;
}

/**
 * twitter-api-v2 builds every URL from a prefix (api.x.com/2/); a test points
 * it at a local fake of X. Its own cloneWithPrefix() throws on ES classes
 * ("cannot be invoked without 'new'", 1.29.1), hence this subclass.
 */
class TwitterApiv2AtUrl extends TwitterApiv2 {
  constructor(bearerToken: string, prefix: string, httpsAgent: Agent | undefined) {
    super(new TwitterApi(bearerToken, httpsAgent === undefined ? {} : { httpAgent: httpsAgent }));
    this.setPrefix(prefix);
  }
}

type XState = 'connecting' | 'streaming' | 'waiting' | 'polling' | 'stopped';

export class XGibbSource implements GibbSource {
  readonly name = 'x' as const;
  private readonly api: TwitterApiv2;
  private readonly counters = new SourceCounters();
  private readonly retryPolicy: XRetryPolicy;
  private readonly query: string;
  private state: XState = 'connecting';
  private stopped = false;
  private ruleReady = false;
  private stream: TweetStream<TweetV2SingleStreamResult> | undefined;
  private timer: TimerHandle | undefined;
  private sinceId: string | undefined;
  private startedAt = 0;

  constructor(private readonly options: XGibbSourceOptions) {
    const connection = resolveXConnection(options.connection);
    this.api = new TwitterApiv2AtUrl(options.config.bearerToken, `${options.config.apiUrl}/2/`, connection.httpsAgent);
    this.retryPolicy = connection.retryPolicy;
    this.query = options.config.terms.map((term) => (/\s/.test(term) ? `"${term}"` : term)).join(' OR ');
  }

  async start(): Promise<void> {
    this.startedAt = this.options.clock.now();
    void this.connect(1);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.stream?.close();
    this.stream = undefined;
  }

  status(): GibbSourceStatus {
    return {
      name: this.name,
      live: this.state === 'streaming' || this.state === 'polling',
      state: this.state,
      detail: `${this.state === 'polling' ? 'recent search' : 'filtered stream'} for ${this.query} on ${this.options.config.apiUrl}`,
      ...this.counters.snapshot(),
    };
  }

  /** Sets the rule once, then opens the stream; on failure waits as the policy says and tries again. */
  private async connect(attempt: number): Promise<void> {
    if (this.stopped) return;
    this.state = 'connecting';
    try {
      if (!this.ruleReady) await this.ensureRule();
      const stream = this.api.searchStream({ 'tweet.fields': ['created_at'], autoConnect: false });
      this.listen(stream);
      // The first connection is ours to retry (a 403 must turn into polling, not endless retries);
      // once connected, twitter-api-v2 reconnects dropped connections with our policy.
      await stream.connect({ autoReconnect: false, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS });
      if (this.stopped) {
        stream.close();
        return;
      }
      stream.autoReconnect = true;
      stream.autoReconnectRetries = Infinity;
      stream.nextRetryTimeout = (retry, error) => this.delayAfter(retry, classifyXFailure(error), stream);
      this.stream = stream;
      this.state = 'streaming';
      this.info(`X: streaming tweets matching ${this.query}`);
    } catch (error) {
      this.afterFailure(attempt, classifyXFailure(error));
    }
  }

  private afterFailure(attempt: number, failure: XFailure): void {
    if (this.stopped) return;
    this.counters.lastError = failure.description;
    if (failure.kind === 'unauthorized') {
      this.state = 'stopped';
      this.failed(`X: the bearer token was refused (${failure.description}); the X source stops. Check X_BEARER_TOKEN.`);
      return;
    }
    if (failure.kind === 'forbidden') {
      this.warn(
        `X: this token cannot use the filtered stream (${failure.description}); polling recent search every ${this.options.config.searchIntervalMs / 1000} s instead`,
      );
      this.state = 'polling';
      this.schedule(0, () => this.poll(1));
      return;
    }
    const delay = this.retryPolicy(attempt, failure, this.options.clock.now());
    this.state = 'waiting';
    this.warn(`X: ${failure.description}; connecting again in ${formatSeconds(delay)}`);
    this.schedule(delay, () => this.connect(attempt + 1));
  }

  /** Called by twitter-api-v2 between its reconnection attempts. */
  private delayAfter(retry: number, failure: XFailure, stream: TweetStream): number {
    this.counters.lastError = failure.description;
    if (failure.kind === 'forbidden' || failure.kind === 'unauthorized') {
      // Retrying cannot help: with autoReconnect off, the library's next (immediate) turn closes the
      // stream and sets no further timer; then we decide like at start.
      stream.autoReconnect = false;
      if (this.stream === stream) this.stream = undefined;
      this.afterFailure(retry, failure);
      return 0;
    }
    const delay = this.retryPolicy(retry, failure, this.options.clock.now());
    this.state = 'waiting';
    this.warn(`X: ${failure.description}; reconnecting in ${formatSeconds(delay)}`);
    return delay;
  }

  private listen(stream: TweetStream<TweetV2SingleStreamResult>): void {
    stream.on(ETwitterStreamEvent.Data, (payload: unknown) => {
      // A bus failure must not become an unhandled rejection (it would end the server): note it and go on.
      this.acceptTweet((payload as { data?: unknown } | null)?.data, 'stream').catch((error: unknown) => {
        this.counters.lastError = `publishing failed: ${(error as Error).message}`;
        this.warn(`X: a tweet could not be published (${(error as Error).message})`);
      });
    });
    stream.on(ETwitterStreamEvent.TweetParseError, () => {
      this.counters.skipped += 1;
      this.warn('X: skipped a stream payload that is not JSON');
    });
    stream.on(ETwitterStreamEvent.DataError, () => {
      this.counters.skipped += 1;
      this.warn('X: skipped an error payload on the stream');
    });
    stream.on(ETwitterStreamEvent.ConnectionLost, () => {
      if (!this.stopped) this.warn('X: the stream went silent or dropped; reconnecting');
    });
    stream.on(ETwitterStreamEvent.ReconnectAttempt, () => {
      if (!this.stopped && this.state !== 'polling') this.state = 'connecting';
    });
    stream.on(ETwitterStreamEvent.Reconnected, () => {
      if (this.stopped) return;
      this.state = 'streaming';
      this.info('X: stream reconnected');
    });
  }

  /** One rule per server, tagged as ours: kept if X has it, replaced if the terms changed. */
  private async ensureRule(): Promise<void> {
    const existing = (await this.api.streamRules()).data ?? [];
    if (existing.some((rule) => rule.value === this.query)) {
      this.ruleReady = true;
      return;
    }
    const stale = existing.filter((rule) => rule.tag === X_RULE_TAG).map((rule) => rule.id);
    if (stale.length > 0) await this.api.updateStreamRules({ delete: { ids: stale } });
    await this.api.updateStreamRules({ add: [{ value: this.query, tag: X_RULE_TAG }] });
    this.ruleReady = true;
    this.info(`X: stream rule set to ${this.query}`);
  }

  /** Recent search since the newest tweet already read (or since this source started, on the first poll). */
  private async poll(attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      const query = {
        'tweet.fields': ['created_at' as const],
        max_results: 100,
        ...(this.sinceId !== undefined ? { since_id: this.sinceId } : { start_time: new Date(this.startedAt).toISOString() }),
      };
      const page = await this.api.search(this.query, query);
      for (let pages = 1; pages < MAX_SEARCH_PAGES && !page.done; pages++) await page.fetchNext();
      const tweets: unknown[] = [...page.tweets];
      this.sinceId = newestTweetId(this.sinceId, tweets);
      // Search answers newest first; the market hears them in the order they were written.
      for (const tweet of tweets.reverse()) await this.acceptTweet(tweet, 'search');
      this.state = 'polling';
      this.schedule(this.options.config.searchIntervalMs, () => this.poll(1));
    } catch (error) {
      const failure = classifyXFailure(error);
      this.counters.lastError = failure.description;
      if (failure.kind === 'unauthorized') {
        this.afterFailure(attempt, failure);
        return;
      }
      const delay = Math.max(this.options.config.searchIntervalMs, this.retryPolicy(attempt, failure, this.options.clock.now()));
      this.warn(`X: search failed (${failure.description}); polling again in ${formatSeconds(delay)}`);
      this.schedule(delay, () => this.poll(attempt + 1));
    }
  }

  private async acceptTweet(candidate: unknown, from: 'stream' | 'search'): Promise<void> {
    if (this.stopped) return;
    const parsed = parseTweet(candidate);
    if (!parsed.ok) {
      this.counters.skipped += 1;
      this.warn(`X: skipped a malformed tweet from the ${from} (${parsed.reason})`);
      return;
    }
    await this.options.publisher.publish(tweetToGibb(parsed.tweet, this.options.clock.now()), this.counters);
  }

  private schedule(delayMs: number, next: () => Promise<void>): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void next();
    }, delayMs);
  }

  private info(message: string): void {
    this.options.logger.log(redactSecret(message, this.options.config.bearerToken));
  }

  private warn(message: string): void {
    this.options.logger.warn(redactSecret(message, this.options.config.bearerToken));
  }

  private failed(message: string): void {
    this.options.logger.error(redactSecret(message, this.options.config.bearerToken));
  }
}

/** Tweet ids grow with time; compared as numbers since they exceed 2^53. */
function newestTweetId(current: string | undefined, tweets: readonly unknown[]): string | undefined {
  let newest = current;
  for (const tweet of tweets) {
    const id = (tweet as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !/^\d{1,25}$/.test(id)) continue;
    if (newest === undefined || BigInt(id) > BigInt(newest)) newest = id;
  }
  return newest;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 0)} s`;
}
