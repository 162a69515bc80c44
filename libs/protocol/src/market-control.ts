/**
 * What the servers of one game tell each other besides the game's own
 * topics: the coach's commands, sent to whichever server leads the market
 * (on `game-commands`, sealed like the game record: a reset may carry the
 * next game's seed), and each task's plantation load (on `plantation-loads`),
 * which the plantation rule sums over all tasks, and the orders a task
 * forwards to their trader's home task (on `action-repartition`). Not a
 * participant's wire format: only servers read it.
 */
import { z } from 'zod';
import { decode, type RawMessage } from './codec.js';

export const gameCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('pause') }).strict(),
  z.object({ command: z.literal('resume') }).strict(),
  z.object({ command: z.literal('end') }).strict(),
  z.object({ command: z.literal('start') }).strict(),
  z.object({ command: z.literal('extend'), ms: z.number().int().positive() }).strict(),
  z.object({ command: z.literal('reset'), seed: z.string().min(1).optional() }).strict(),
]);
export type GameCommand = z.infer<typeof gameCommandSchema>;

const finiteNonNegative = z.number().nonnegative().refine(Number.isFinite, { message: 'expected a finite number' });

export const plantationLoadSchema = z
  .object({
    task: z.number().int().nonnegative(),
    /** Coins the task's traders planted within the saturation window (investWindowMs). */
    recentCoins: finiteNonNegative,
    /** Coins the task's traders ever planted in this game. */
    totalInvested: finiteNonNegative,
    /** When the task computed it (the game clock). */
    time: z.string().datetime(),
  })
  .strict();
export type PlantationLoadRecord = z.infer<typeof plantationLoadSchema>;

export const plantationLoadKey = (task: number): string => JSON.stringify(`task/${task}`);

/** An order forwarded to its trader's home task: where it was written, and its bytes as they were. */
export const repartitionedOrderSchema = z
  .object({
    topic: z.string().min(1),
    keyBase64: z.string().base64().nullable(),
    valueBase64: z.string().base64().nullable(),
  })
  .strict();
export type RepartitionedOrder = z.infer<typeof repartitionedOrderSchema>;

export const decodeMarketControl = {
  repartitionedOrder: (raw: RawMessage) => decode(repartitionedOrderSchema, raw),
  command: (raw: RawMessage) => decode(gameCommandSchema, raw),
  plantationLoad: (raw: RawMessage) => decode(plantationLoadSchema, raw),
};
