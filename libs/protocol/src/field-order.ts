/**
 * JSON in a fixed field order. The 2018 clients compare bytes in places (and
 * people read these messages in console consumers), so every encoder writes
 * its fields in the 2018 order and leaves out the undefined ones.
 */

/** Writes one kind of value as JSON, its fields in a fixed order. */
export type OrderedJsonWriter<T> = (value: T) => string;

/** A field written by a writer of its own (a nested object in its fixed order) rather than JSON.stringify. */
export type NestedWriters<T> = { readonly [K in keyof T]?: OrderedJsonWriter<NonNullable<T[K]>> };

/**
 * The writer of `keys`, in that order: the same text as JSON.stringify of an
 * object holding those fields of the value that are not undefined, built
 * without that object (encoders run for every message of the hot path).
 * Like JSON.stringify, a field whose value has no JSON form (a function, a
 * symbol) is left out. A field in `nested` is written by its own writer.
 */
export function orderedJsonWriter<T extends object>(keys: readonly (keyof T)[], nested: NestedWriters<T> = {}): OrderedJsonWriter<T> {
  // The order an object gives these keys (integer-like keys first, a repeated key once): the order the object form wrote.
  const fields = Object.keys(Object.fromEntries(keys.map((key) => [key, true]))) as (keyof T & string)[];
  const prefixes = fields.map((field) => `${JSON.stringify(field)}:`);
  const writers = fields.map((field) => nested[field] as OrderedJsonWriter<unknown> | undefined);
  return (value) => {
    let json = '';
    for (let i = 0; i < fields.length; i += 1) {
      const field = value[fields[i]];
      if (field === undefined) continue;
      const writer = writers[i];
      const fieldJson: string | undefined = writer === undefined ? JSON.stringify(field) : writer(field);
      if (fieldJson === undefined) continue;
      json += json === '' ? `{${prefixes[i]}${fieldJson}` : `,${prefixes[i]}${fieldJson}`;
    }
    return json === '' ? '{}' : `${json}}`;
  };
}
