/**
 * A tweet as the stream and recent search deliver it, checked before it
 * becomes a gibb: X's payloads are input like any other.
 */
import { z } from 'zod';
import { PROTOCOL_LIMITS, type Gibb } from '@banana-market/protocol';

export const tweetSchema = z.object({
  id: z.string().regex(/^\d{1,25}$/, { message: 'expected the numeric tweet id as a string' }),
  text: z.string({ message: 'expected the text of the tweet' }).min(1, { message: 'expected a non-empty text' }),
  created_at: z.iso.datetime({ offset: true, message: 'expected an ISO-8601 time' }).optional(),
});
export type Tweet = z.infer<typeof tweetSchema>;

/** Same tweet, same gibb id, whether it came from the stream or from search: that is what dedupe keys on. */
export function gibbIdOfTweet(tweetId: string): string {
  return `x:${tweetId}`;
}

export function tweetToGibb(tweet: Tweet, now: number): Gibb {
  return {
    id: gibbIdOfTweet(tweet.id),
    time: new Date(tweet.created_at !== undefined ? Date.parse(tweet.created_at) : now).toISOString(),
    // Long-form posts can exceed a gibb; the hype words of the first 280 characters are what counts.
    text: tweet.text.slice(0, PROTOCOL_LIMITS.maxGibbLength),
  };
}

/** The stream's `data` or a search result, or the reason it is not a usable tweet. */
export function parseTweet(candidate: unknown): { ok: true; tweet: Tweet } | { ok: false; reason: string } {
  const parsed = tweetSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, tweet: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue.path.length > 0 ? `data.${issue.path.join('.')}` : 'data'}: ${issue.message}` };
}
