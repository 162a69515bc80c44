/**
 * How many monkeys a team's crowd shows for its fed monkeys: the first few
 * bananas show at once, and the crowd keeps growing, ever slower, up to
 * what a lane can hold (a log scale: 1 fed → 3, 20 → 13, 100 → 20, 1000 → 30).
 */
export const MAX_CROWD = 30;

export function crowdSize(fedMonkeys: number): number {
  if (!(fedMonkeys > 0)) return 0;
  return Math.min(MAX_CROWD, 1 + Math.floor(3.5 * Math.log2(1 + fedMonkeys / 2)));
}
