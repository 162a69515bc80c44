/**
 * Team colours that stay apart for colour-blind spectators too.
 *
 * The 18 colours were picked from the sRGB grid of step 4 (0, 4, …, 252, 255 per channel) by greedy max-min
 * selection, then refined by moving one colour at a time to the grid point farthest from the others (coordinate
 * ascent, random restarts on a step-8 grid first). The distance between two colours is the MINIMUM of their
 * CIEDE2000 ΔE (culori `differenceCiede2000()`) as seen with normal vision, deuteranopia, protanopia and
 * tritanopia, simulated with culori's `filterDeficiencyDeuter(1)`, `filterDeficiencyProt(1)` and
 * `filterDeficiencyTrit(1)` (Machado, Oliveira & Fernandes 2009, severity 1).
 *
 * Constraints: each colour has a WCAG contrast ratio ≥ 4.5 against the panel 0x1f1f3d (measured 4.51 to 15.1), and
 * keeps the same min-over-visions ΔE from the price up 0x4ade80 and down 0xf87171, the banana 0xffe135 of the scores,
 * the text white 0xf5f5f5 and the muted 0xa3a3c8. Achieved: every pair, and every colour to those five, is at
 * ΔE2000 ≥ 9.647 (without tritanopia the same search reaches 10.33). The list is in greedy order: the first colours
 * are the most distinct from each other, so few teams get the most distinct colours.
 */
export const TEAM_PALETTE: readonly number[] = [
  0xcc4cff, 0xa88800, 0x80aca0, 0xdcffd4, 0x00a054, 0xfcffa0, 0xb890ff, 0x90849c, 0xf8dcff, 0xb8ccb4, 0xd0bcff, 0xac74c0, 0xe4b8cc, 0xff4010,
  0xcca04c, 0xf800d8, 0xcc6c7c, 0xb8c000,
];

/** The achieved minimum ΔE2000 over normal, deuteranopic, protanopic and tritanopic vision, rounded down. */
export const MIN_DISTANCE = 9.6;

/** FNV-1a (32 bits) of a team's name: its preferred slot in the palette. */
function fnv1a(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/**
 * The colour of each team, the same on every screen for the same set of teams whatever the order they were seen
 * in: the names are sorted, then each takes its hashed slot or, when taken, the next free one. Distinct while
 * there are at most TEAM_PALETTE.length teams; beyond that the teams past a full palette get their hashed slot.
 */
export function teamColors(teams: readonly string[]): Map<string, number> {
  const names = [...new Set(teams)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const size = TEAM_PALETTE.length;
  const taken = new Array<boolean>(size).fill(false);
  let used = 0;
  const colors = new Map<string, number>();
  for (const name of names) {
    let slot = fnv1a(name) % size;
    if (used < size) {
      while (taken[slot]) slot = (slot + 1) % size;
      taken[slot] = true;
      used++;
    }
    colors.set(name, TEAM_PALETTE[slot]);
  }
  return colors;
}
