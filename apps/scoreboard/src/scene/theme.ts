/**
 * Colours, type sizes and the layout of the 1920×1080 design. The game
 * scales it to fit any window (Phaser Scale.FIT), so sizes here are the ones
 * seen on a 1080p projector: nothing a spectator must read is under 30 px.
 */
import type * as Phaser from 'phaser';

export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;

export const COLORS = {
  background: 0x14142b,
  panel: 0x1f1f3d,
  panelEdge: 0x34345c,
  banana: 0xffe135,
  bananaDark: 0xc9a400,
  up: 0x4ade80,
  down: 0xf87171,
  ema: 0x67e8f9,
  text: 0xf5f5f5,
  muted: 0xa3a3c8,
  alert: 0xfb923c,
  grid: 0x2c2c52,
} as const;

export const css = (color: number) => `#${color.toString(16).padStart(6, '0')}`;

export const FONT_FAMILY = "'DejaVu Sans', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

export function textStyle(size: number, color: number = COLORS.text, bold = false): Phaser.Types.GameObjects.Text.TextStyle {
  return { fontFamily: FONT_FAMILY, fontSize: `${size}px`, color: css(color), fontStyle: bold ? 'bold' : 'normal' };
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const LAYOUT = {
  header: { x: 0, y: 0, width: DESIGN_WIDTH, height: 100 },
  price: { x: 30, y: 110, width: 1040, height: 500 },
  monkeys: { x: 30, y: 625, width: 1040, height: 330 },
  traders: { x: 1090, y: 110, width: 800, height: 560 },
  teams: { x: 1090, y: 685, width: 800, height: 270 },
  ticker: { x: 0, y: 970, width: DESIGN_WIDTH, height: 110 },
} as const satisfies Record<string, Rect>;

/** A panel's rounded background and its title. */
export function drawPanel(scene: Phaser.Scene, rect: Rect, title?: string): void {
  const g = scene.add.graphics();
  g.fillStyle(COLORS.panel, 1);
  g.fillRoundedRect(rect.x, rect.y, rect.width, rect.height, 18);
  g.lineStyle(2, COLORS.panelEdge, 1);
  g.strokeRoundedRect(rect.x, rect.y, rect.width, rect.height, 18);
  if (title !== undefined) scene.add.text(rect.x + 24, rect.y + 14, title, textStyle(30, COLORS.muted, true));
}

/** Cuts a label to fit a column, with an ellipsis (a count of characters: for texts whose width is not measured). */
export function fit(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/**
 * Sets the text to the label, cut with an ellipsis to the longest prefix
 * whose drawn width fits `maxWidth` (measured, so a name of wide letters is
 * cut sooner than one of narrow ones, and never runs into the next column).
 * The full name stays in the accessible mirror and on the trader's page.
 */
export function setFittedText(text: Phaser.GameObjects.Text, label: string, maxWidth: number): void {
  if (text.getData('label') === label && text.getData('maxWidth') === maxWidth) return;
  text.setData('label', label).setData('maxWidth', maxWidth);
  text.setText(label);
  if (text.width <= maxWidth) return;
  let low = 0;
  let high = label.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    text.setText(`${label.slice(0, mid).trimEnd()}…`);
    if (text.width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  text.setText(`${label.slice(0, low).trimEnd()}…`);
}

/** Destroys a game object (and a container's children) after stopping the tweens that move them. */
export function destroyTweened(scene: Phaser.Scene, object: Phaser.GameObjects.GameObject): void {
  const list = (object as Partial<Phaser.GameObjects.Container>).list;
  if (Array.isArray(list)) list.forEach((child) => scene.tweens.killTweensOf(child));
  scene.tweens.killTweensOf(object);
  object.destroy();
}
