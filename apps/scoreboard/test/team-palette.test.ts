/**
 * The team palette, measured again with culori: its colours stay apart for normal, deuteranopic, protanopic and
 * tritanopic vision, stay away from the price and score colours, read on the panel; and every screen gives the
 * same teams the same distinct colours.
 */
import { converter, differenceCiede2000, filterDeficiencyDeuter, filterDeficiencyProt, filterDeficiencyTrit, type Rgb, wcagContrast } from 'culori';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_DISTANCE, TEAM_PALETTE, teamColors } from '../src/scene/team-palette.js';
import { COLORS, css } from '../src/scene/theme.js';
import { ROOM_TEAMS } from '../tools/trader-crowd.js';

const toRgb = converter('rgb');
const ciede2000 = differenceCiede2000();
const VISIONS: Record<string, (color: Rgb) => Rgb> = {
  normal: (color) => color,
  deuteranopia: filterDeficiencyDeuter(1),
  protanopia: filterDeficiencyProt(1),
  tritanopia: filterDeficiencyTrit(1),
};

function rgbOf(color: number): Rgb {
  const rgb = toRgb(css(color));
  if (rgb === undefined) throw new Error(`unparsable colour ${css(color)}`);
  return rgb;
}

/** CIEDE2000 between two colours as seen with one vision. */
function deltaE(a: number, b: number, vision: keyof typeof VISIONS): number {
  const simulate = VISIONS[vision];
  return ciede2000(simulate(rgbOf(a)), simulate(rgbOf(b)));
}

/** The palette's measure: the smallest ΔE2000 over the four visions. */
function distance(a: number, b: number): number {
  return Math.min(...Object.keys(VISIONS).map((vision) => deltaE(a, b, vision)));
}

const RESERVED = { up: COLORS.up, down: COLORS.down, banana: COLORS.banana, text: COLORS.text, muted: COLORS.muted };

/** A room's 15 teams and the house bots' team. */
const TEAMS = [...ROOM_TEAMS, 'HOUSE'];
const EIGHTEEN = [...TEAMS, 'GELADA', 'TITI'];

describe('TEAM_PALETTE', () => {
  it('holds 18 different 0xRRGGBB colours', () => {
    expect(TEAM_PALETTE).toHaveLength(18);
    expect(new Set(TEAM_PALETTE).size).toBe(18);
    for (const color of TEAM_PALETTE) expect(Number.isInteger(color) && color >= 0 && color <= 0xffffff).toBe(true);
  });

  it('measures with simulations that do collapse colours: price up and down are far apart, except for a deuteranope', () => {
    expect(deltaE(COLORS.up, COLORS.down, 'normal')).toBeGreaterThan(60);
    expect(deltaE(COLORS.up, COLORS.down, 'deuteranopia')).toBeLessThan(MIN_DISTANCE);
    expect(distance(COLORS.up, COLORS.down)).toBeLessThan(10);
  });

  it('keeps every pair at least MIN_DISTANCE apart for normal, deuteranopic, protanopic and tritanopic vision', () => {
    expect(MIN_DISTANCE).toBeGreaterThanOrEqual(8);
    let closest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < TEAM_PALETTE.length; i++) {
      for (let j = i + 1; j < TEAM_PALETTE.length; j++) {
        const d = distance(TEAM_PALETTE[i], TEAM_PALETTE[j]);
        expect(d, `${css(TEAM_PALETTE[i])} vs ${css(TEAM_PALETTE[j])}`).toBeGreaterThanOrEqual(MIN_DISTANCE);
        closest = Math.min(closest, d);
      }
    }
    // MIN_DISTANCE is the achieved minimum rounded down, not a loose bound.
    expect(closest).toBeLessThan(MIN_DISTANCE + 0.1);
  });

  it('keeps every colour MIN_DISTANCE away from price up, price down, banana, text and muted', () => {
    for (const color of TEAM_PALETTE) {
      for (const [name, reserved] of Object.entries(RESERVED)) {
        expect(distance(color, reserved), `${css(color)} vs ${name}`).toBeGreaterThanOrEqual(MIN_DISTANCE);
      }
    }
  });

  it('reads on the panel and the background: WCAG contrast at least 4.5', () => {
    for (const color of TEAM_PALETTE) {
      expect(wcagContrast(css(color), css(COLORS.panel)), css(color)).toBeGreaterThanOrEqual(4.5);
      expect(wcagContrast(css(color), css(COLORS.background)), css(color)).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('teamColors', () => {
  it('gives 16 teams 16 different palette colours', () => {
    const colors = teamColors(TEAMS);
    expect([...colors.keys()].sort()).toEqual([...TEAMS].sort());
    expect(new Set(colors.values()).size).toBe(16);
    for (const color of colors.values()) expect(TEAM_PALETTE).toContain(color);
  });

  it('gives the same colours whatever the order the teams were seen in', () => {
    const expected = [...teamColors(TEAMS).entries()].sort();
    expect([...teamColors([...TEAMS].reverse()).entries()].sort()).toEqual(expected);
    fc.assert(
      fc.property(fc.shuffledSubarray(TEAMS, { minLength: TEAMS.length }), (order) => {
        expect([...teamColors(order).entries()].sort()).toEqual(expected);
      }),
    );
  });

  it('gives 18 teams the whole palette, one colour each, and a team seen twice one colour', () => {
    const colors = teamColors([...EIGHTEEN, 'BONOBO', 'TITI']);
    expect(colors.size).toBe(18);
    expect(new Set(colors.values())).toEqual(new Set(TEAM_PALETTE));
  });

  it('still colours every team past 18, reusing palette colours', () => {
    const many = [...EIGHTEEN, 'SAKI', 'DRILL'];
    const colors = teamColors(many);
    expect(colors.size).toBe(20);
    expect(new Set(colors.values())).toEqual(new Set(TEAM_PALETTE));
  });
});
