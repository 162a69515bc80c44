/**
 * JSON in a fixed field order. The 2018 clients compare bytes in places (and
 * people read these messages in console consumers), so every encoder writes
 * its fields in the 2018 order and leaves out the undefined ones.
 */
export function orderedJson<T extends object>(value: T, keys: readonly (keyof T)[]): string {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (value[key] !== undefined) out[key as string] = value[key];
  return JSON.stringify(out);
}
