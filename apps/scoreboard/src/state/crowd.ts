/**
 * A team's crowd of monkeys on a linear scale: every monkey drawn stands for
 * the same number of monkeys fed (1, 2, 5, 10, 20, 50…, the smallest that
 * lets the hungriest team's crowd fit its lane), so 44 fed looks nearly twice
 * 25 fed. The panel says what one monkey stands for.
 */
export const MAX_CROWD = 30;

const STEPS = [1, 2, 5] as const;

/** Monkeys fed per monkey drawn, given the most any shown team has fed. */
export function crowdUnit(mostFed: number): number {
  for (let scale = 1; ; scale *= 10) {
    for (const step of STEPS) {
      const unit = step * scale;
      if (!(mostFed > unit * MAX_CROWD)) return unit;
    }
  }
}

/** Monkeys drawn for a team: its fed monkeys over the unit, rounded; one at least for any monkey fed. */
export function crowdSize(fedMonkeys: number, unit: number): number {
  if (!(fedMonkeys > 0)) return 0;
  return Math.min(MAX_CROWD, Math.max(1, Math.round(fedMonkeys / unit)));
}
