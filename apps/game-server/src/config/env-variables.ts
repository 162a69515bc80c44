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
export function numberFromEnv(name: string, options: { min: number; max: number; fallback: number; integer: boolean }) {
  return fromEnv(boundedNumber(name, options).default(options.fallback));
}

/** The same without a default: undefined when unset, `unset` saying in the error what that means. */
export function optionalNumberFromEnv(name: string, options: { min: number; max: number; integer: boolean; unset: string }) {
  return fromEnv(boundedNumber(name, options).optional());
}

function boundedNumber(name: string, { min, max, integer, unset }: { min: number; max: number; integer: boolean; unset?: string }) {
  const error = `${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}${unset === undefined ? '' : ` (unset: ${unset})`}`;
  const number = z.coerce.number({ error });
  return (integer ? number.int({ error }) : number).min(min, { error }).max(max, { error });
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
