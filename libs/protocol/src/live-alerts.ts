/**
 * The room's chapter-05 price alerts on the scoreboard's ticker: each
 * participant's `npm run exercises -- --live 5` writes the alerts of their
 * own topology to `live-NAME-kata-05-price-alerts`; when the coach turns the
 * ticker's alerts on, the game server follows those topics and shows each
 * alert to the spectators. What it reads there is anyone's code: a record
 * this schema refuses is left out.
 */
import { z } from 'zod';
import { LIVE_TOPIC_PREFIX } from './kafka-access.js';
import { participantOfLiveName } from './live-names.js';
import { isoTime } from './schemas.js';

/** The topic chapter 05's kata writes its alerts to (chapters/05-…/given.ts); live, behind live-NAME-. */
export const KATA_PRICE_ALERTS_TOPIC = 'kata-05-price-alerts';

const LIVE_ALERTS_SUFFIX = `-${KATA_PRICE_ALERTS_TOPIC}`;

/**
 * The participant whose live price alerts a topic holds (their name as they typed it, liveNameOf undone),
 * or undefined for any other topic, and for one whose NAME the live tool cannot have spelled.
 */
export function liveAlertsParticipant(topic: string): string | undefined {
  if (!topic.startsWith(LIVE_TOPIC_PREFIX) || !topic.endsWith(LIVE_ALERTS_SUFFIX)) return undefined;
  const name = participantOfLiveName(topic.slice(LIVE_TOPIC_PREFIX.length, topic.length - LIVE_ALERTS_SUFFIX.length));
  return name === '' ? undefined : name;
}

/** A chapter-05 PriceAlert as the kata writes it: `{time, average, prices}`. */
export const kataPriceAlertSchema = z.object({
  time: isoTime,
  // Bounded: a price is a few coins, and the ticker prints the average (a 1e300 would be a 300-digit text).
  average: z
    .number({ message: 'expected a number of coins' })
    .finite({ message: 'expected a finite number of coins' })
    .min(0, { message: 'expected 0 coins or more' })
    .max(1_000_000, { message: 'expected at most 1,000,000 coins' }),
  prices: z.number({ message: 'expected a number of prices' }).int({ message: 'expected a whole number of prices' }).min(1).max(1_000_000),
});
export type KataPriceAlert = z.infer<typeof kataPriceAlertSchema>;

/** The spectators' `price-alert` frame: whose alert, and the alert. */
export const livePriceAlertSchema = kataPriceAlertSchema.extend({
  participant: z.string().min(1).max(249),
});
export type LivePriceAlert = z.infer<typeof livePriceAlertSchema>;

/** The coach's switch: POST /api/coach/price-alerts `{"on":true}`; GET answers the same shape. */
export const priceAlertsSwitchSchema = z.object({ on: z.boolean({ message: 'expected true or false' }) }).strict();
export type PriceAlertsSwitch = z.infer<typeof priceAlertsSwitchSchema>;
