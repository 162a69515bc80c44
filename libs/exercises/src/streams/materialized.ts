/**
 * Kafka's `Materialized`, as far as windowed aggregations use it here: the
 * name of the store and how long it keeps windows (`withRetention`). Without
 * a retention a windowed store keeps Kafka's default: size + grace for time
 * windows, 2 × difference + grace for sliding windows, gap + grace for
 * sessions.
 */
export class Materialized {
  private constructor(
    readonly storeName: string | undefined,
    readonly retentionMs: number | undefined,
  ) {}

  static as(storeName: string): Materialized {
    if (storeName === '') throw new RangeError('a store needs a name');
    return new Materialized(storeName, undefined);
  }

  /** Keeps each window until the store's stream time is this far past its start (a session: its end); at least the default. */
  static withRetention(retentionMs: number): Materialized {
    return new Materialized(undefined, undefined).withRetention(retentionMs);
  }

  withRetention(retentionMs: number): Materialized {
    if (!Number.isFinite(retentionMs) || retentionMs < 0) throw new RangeError(`retention must be zero or more milliseconds, got ${retentionMs}`);
    return new Materialized(this.storeName, retentionMs);
  }
}

/** An aggregation's store argument: a name, or a Materialized. */
export type StoreArgument = string | Materialized | undefined;

export function storeNameOf(argument: StoreArgument): string | undefined {
  return argument instanceof Materialized ? argument.storeName : argument;
}

/**
 * The retention a windowed store gets: the Materialized one, or the default;
 * as Kafka, one shorter than the default is refused, since windows could then
 * vanish before they close.
 */
export function retentionOf(argument: StoreArgument, defaultMs: number, what: string): number {
  const given = argument instanceof Materialized ? argument.retentionMs : undefined;
  if (given === undefined) return defaultMs;
  if (given < defaultMs) {
    throw new RangeError(`the retention of a windowed store (${given} ms) must be no smaller than ${what} (${defaultMs} ms)`);
  }
  return given;
}
