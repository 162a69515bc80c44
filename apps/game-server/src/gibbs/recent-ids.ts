/**
 * The ids seen lately, oldest forgotten first. Bounded, so a three-hour game
 * of chatter cannot grow it without limit; 10 000 ids cover far more than the
 * overlap between two sources (an X stream reconnecting, search catching up).
 * Hand-written: an insertion-ordered Set is all it takes, no LRU needed since
 * a repeat is not "used again", it is dropped.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is seen (and remembers it); false for a repeat. */
  firstSighting(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
