/**
 * The X source against a local fake of the X API v2, through the real
 * twitter-api-v2 client and the real game server: tweets reach
 * gibber-gibbs, the rule is set once, a 429 and a dropped connection are
 * survived, a token without stream access falls back to recent search, and
 * the token never shows up in a log line or a status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_PATHS, type GibbSourcesView } from '@banana-market/protocol';
import { documentedXRetryPolicy, type XRetryPolicy } from '../../src/gibbs/x/x-retry-policy.js';
import type { XFailure } from '../../src/gibbs/x/x-failure.js';
import { eventually } from '../support/buses.js';
import { agentTrustingFakeX, FakeXApi, tweetLine, type FakeTweet } from '../support/fake-x-api.js';
import { CapturingLogger, captureGibbs } from '../support/gibb-capture.js';
import { http, startTestServer, virtualClock, type TestServer } from '../support/test-server.js';

const TOKEN = 'AAAAAAAAAAAAAAAAAAAAAsecret-bearer-token-123';

const tweet = (id: number, text: string): FakeTweet => ({
  id: String(1_850_000_000_000_000_000n + BigInt(id)),
  text,
  created_at: '2026-11-22T10:00:00.000Z',
});

/** The documented waits, recorded, then shortened so the test does not sit out a real rate-limit window. */
function recordingPolicy(): { policy: XRetryPolicy; waits: { failure: XFailure; delay: number }[] } {
  const waits: { failure: XFailure; delay: number }[] = [];
  return {
    waits,
    policy: (attempt, failure, now) => {
      const delay = documentedXRetryPolicy(attempt, failure, now);
      waits.push({ failure, delay });
      return Math.min(delay, 50);
    },
  };
}

async function sources(server: TestServer): Promise<GibbSourcesView> {
  const response = await http(server, 'GET', API_PATHS.gibbSources);
  expect(response.status).toBe(200);
  return response.body as GibbSourcesView;
}

const xStatus = async (server: TestServer) => (await sources(server)).sources.find((source) => source.name === 'x');

describe('the X source', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serverFor(
    fake: FakeXApi,
    options: { policy?: XRetryPolicy; logger?: CapturingLogger; clock?: ReturnType<typeof virtualClock>; token?: string } = {},
  ) {
    const server = await startTestServer({
      env: { X_BEARER_TOKEN: options.token ?? TOKEN, X_API_URL: fake.url, X_TERMS: '#MKTD,banana market' },
      logger: options.logger,
      xConnection: { retryPolicy: options.policy, httpsAgent: agentTrustingFakeX() },
      clock: options.clock,
    });
    cleanups.push(() => server.close());
    return server;
  }

  it('streams tweets onto gibber-gibbs through a 429 and a dropped connection, skipping malformed payloads and duplicates', async () => {
    const one = tweet(1, 'banana up, love #MKTD');
    const three = tweet(3, 'sell the banana #MKTD bubble');
    const five = tweet(5, 'super solid #MKTD');
    const fake = await new FakeXApi(TOKEN, [
      { kind: 'rate-limited', resetInSeconds: 2 },
      { kind: 'stream', lines: ['', tweetLine(one), '{"data": {"id": "oops', JSON.stringify({ data: { id: '42' } }), tweetLine(three)], drop: true },
      { kind: 'stream', lines: [tweetLine(one), tweetLine(five)], drop: false },
    ]).start();
    cleanups.push(() => fake.close());
    const logger = new CapturingLogger();
    const { policy, waits } = recordingPolicy();
    const server = await serverFor(fake, { policy, logger });
    const { gibbs, subscription } = await captureGibbs(server.bus);
    cleanups.push(() => subscription.close());

    await eventually(() => expect(gibbs.map((g) => g.id)).toEqual([one, three, five].map((t) => `x:${t.id}`)));
    expect(gibbs[0]).toEqual({ id: `x:${one.id}`, time: one.created_at, text: one.text });

    // One rule, for both terms, set once even though the stream connected three times.
    expect(fake.ruleChanges).toEqual([{ add: [{ value: '#MKTD OR "banana market"', tag: 'banana-market' }] }]);
    expect(fake.hitsOf('/2/tweets/search/stream')).toBe(3);
    // The 429's wait came from x-rate-limit-reset (2 s ahead, whole seconds), not from a blind backoff.
    const rateLimited = waits.find((wait) => wait.failure.kind === 'rate-limited');
    expect(rateLimited?.delay).toBeGreaterThan(1000);
    expect(rateLimited?.delay).toBeLessThanOrEqual(4000);

    const status = await eventually(async () => {
      const current = await xStatus(server);
      expect(current).toMatchObject({ live: true, state: 'streaming', published: 3, duplicates: 1, skipped: 2 });
      return current;
    });
    expect(status?.detail).toContain('#MKTD OR "banana market"');
    expect(logger.lines.some((line) => /skipped a stream payload that is not JSON/.test(line))).toBe(true);
    expect(logger.lines.some((line) => /skipped a malformed tweet from the stream \(data\.text: expected the text of the tweet\)/.test(line))).toBe(
      true,
    );
    expect(logger.lines.some((line) => /HTTP 429/.test(line))).toBe(true);
    expect(fake.authorizations).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
    expect(JSON.stringify(await sources(server))).not.toContain(TOKEN);

    // A restarted server finds its rule at X and does not add it again.
    await server.close();
    cleanups.pop();
    const restarted = await serverFor(fake, { policy });
    await eventually(async () => expect(await xStatus(restarted)).toMatchObject({ state: 'streaming' }));
    expect(fake.ruleChanges).toHaveLength(1);
  });

  it('falls back to recent search when the token cannot stream, reading each tweet once', async () => {
    const clock = virtualClock();
    const fake = await new FakeXApi(TOKEN, [{ kind: 'forbidden' }]).start();
    cleanups.push(() => fake.close());
    const first = tweet(10, 'banana #MKTD great');
    const second = tweet(11, 'banana #MKTD happy');
    fake.searchTweets.push(first, second);
    const logger = new CapturingLogger();
    const server = await serverFor(fake, { clock, logger });
    const { gibbs, subscription } = await captureGibbs(server.bus);
    cleanups.push(() => subscription.close());

    // The first poll is due at once after the 403: move the virtual clock past it.
    await eventually(() => expect(fake.hitsOf('/2/tweets/search/stream')).toBe(1));
    clock.advance(1);
    await eventually(() => expect(gibbs.map((g) => g.id)).toEqual([`x:${first.id}`, `x:${second.id}`]));
    expect(fake.searchRequests[0].get('query')).toBe('#MKTD OR "banana market"');
    expect(fake.searchRequests[0].get('since_id')).toBeNull();
    expect(fake.searchRequests[0].get('start_time')).toBe(new Date(clock.now() - 1).toISOString());

    const third = tweet(12, 'banana #MKTD sad');
    fake.searchTweets.push(third);
    clock.advance(15_000);
    await eventually(() => expect(gibbs).toHaveLength(3));
    expect(fake.searchRequests[1].get('since_id')).toBe(second.id);
    expect(gibbs[2].id).toBe(`x:${third.id}`);
    clock.advance(15_000);
    await eventually(() => expect(fake.searchRequests).toHaveLength(3));
    expect(fake.searchRequests[2].get('since_id')).toBe(third.id);
    expect(gibbs).toHaveLength(3);

    expect(await xStatus(server)).toMatchObject({ live: true, state: 'polling', published: 3, lastError: expect.stringContaining('HTTP 403') });
    expect(logger.lines.some((line) => /cannot use the filtered stream.*polling recent search/.test(line))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('stops on a refused token instead of retrying, and says so without echoing it', async () => {
    const fake = await new FakeXApi('the-right-token').start();
    cleanups.push(() => fake.close());
    const logger = new CapturingLogger();
    const server = await serverFor(fake, { logger, policy: recordingPolicy().policy });
    const status = await eventually(async () => {
      const current = await xStatus(server);
      expect(current).toMatchObject({ live: false, state: 'stopped', lastError: expect.stringContaining('HTTP 401') });
      return current;
    });
    expect(fake.hitsOf('/2/tweets/search/stream/rules')).toBe(1);
    expect(
      logger.lines.some((line) => /bearer token was refused.*Check X_BEARER_TOKEN/.test(line)),
      logger.lines.join('\n'),
    ).toBe(true);
    expect(logger.lines.join('\n') + JSON.stringify(status)).not.toContain(TOKEN);
  });
});
