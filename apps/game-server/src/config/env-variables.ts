/**
 * How one environment variable reads, for the server's zod schemas: trimmed,
 * blank meaning unset, numbers coerced and bounded, booleans in the spellings
 * the README documents. Every failure names the variable and what it expects.
 */
import { z } from 'zod';

/**
 * An environment variable as the schema sees it: trimmed, and unset when blank
 * (`PORT= npm start` means the default, as it always has).
 */
export function fromEnv<T extends z.ZodType>(schema: T) {
  return z.preprocess((raw) => (typeof raw === 'string' ? raw.trim() || undefined : raw), schema);
}

/**
 * A number variable, read by `z.coerce` (so `1e3` and ` 42 ` read as they always
 * did) and bounded; every failure says what was expected. The value given is
 * added to the message by loadServerConfig: after coercion zod only sees NaN.
 */
export function numberFromEnv(name: string, { min, max, fallback, integer }: { min: number; max: number; fallback: number; integer: boolean }) {
  const error = `${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  const number = z.coerce.number({ error });
  return fromEnv((integer ? number.int({ error }) : number).min(min, { error }).max(max, { error }).default(fallback));
}

/** The spellings GIBB_REPLAY_LOOP has always accepted, in any case. */
const TRUTHY = ['1', 'true', 'yes', 'on'];
const FALSY = ['0', 'false', 'no', 'off'];

export function booleanFromEnv(name: string, fallback: boolean) {
  return fromEnv(
    z
      .stringbool({
        truthy: TRUTHY,
        falsy: FALSY,
        case: 'insensitive',
        error: `${name} must be true or false (${TRUTHY.join('/')} or ${FALSY.join('/')}, any case)`,
      })
      .default(fallback),
  );
}
