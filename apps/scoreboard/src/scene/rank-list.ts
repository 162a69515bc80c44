/**
 * A ranked table whose rows glide to their new place when ranks change:
 * climbers flash green, fallers red, newcomers slide in, leavers fade out.
 * A room's standings are longer than the panel: they show a page at a time,
 * the pages turning by themselves (see rotation.ts), the title row saying
 * which page shows. Used for the traders and for the teams.
 */
import type * as Phaser from 'phaser';
import { pageLabel, PageTurner } from '../state/rotation.js';
import type { Movement } from '../state/standings.js';
import { setText } from './header-view.js';
import { COLORS, css, destroyTweened, drawPanel, setFittedText, textStyle, type Rect } from './theme.js';

export interface Column<T> {
  readonly header: string;
  /** Left edge (align 0) or right edge (align 1), relative to the panel. */
  readonly x: number;
  readonly align: 0 | 1;
  readonly text: (item: T) => string;
  readonly color?: (item: T) => number;
  readonly bold?: boolean;
  /** Font size when not the list's. */
  readonly size?: number;
  /** The widest the text may draw (a name): longer ones are cut with an ellipsis, so they never reach the next column. */
  readonly width?: number;
}

export interface RankListOptions<T> {
  readonly rect: Rect;
  readonly title: string;
  /** Rows a page: the rest of the standings show on the following pages. */
  readonly rows: number;
  /** How long each page shows. */
  readonly pageMs: number;
  readonly rowHeight: number;
  readonly fontSize: number;
  readonly columns: readonly Column<T>[];
  readonly key: (item: T) => string;
  readonly movement: (item: T) => Movement;
  readonly emptyText: string;
}

interface Row<T> {
  readonly container: Phaser.GameObjects.Container;
  readonly flash: Phaser.GameObjects.Rectangle;
  readonly marker: Phaser.GameObjects.Triangle;
  readonly cells: Phaser.GameObjects.Text[];
  item: T;
  slot: number;
}

const MOVE_MS = 450;

export class RankList<T> {
  private readonly rows = new Map<string, Row<T>>();
  private readonly top: number;
  private readonly empty: Phaser.GameObjects.Text;
  private readonly pageText: Phaser.GameObjects.Text;
  private readonly pages: PageTurner<T>;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly options: RankListOptions<T>,
  ) {
    const { rect, columns } = options;
    this.pages = new PageTurner<T>(options.rows, options.pageMs);
    drawPanel(scene, rect, options.title);
    this.pageText = scene.add.text(rect.x + rect.width - 24, rect.y + 30, '', textStyle(26, COLORS.muted, true)).setOrigin(1, 0.5);
    const headerY = rect.y + 66;
    for (const column of columns) {
      scene.add.text(rect.x + column.x, headerY, column.header, textStyle(24, COLORS.muted, true)).setOrigin(column.align, 0.5);
    }
    this.top = rect.y + 90;
    this.empty = scene.add
      .text(rect.x + rect.width / 2, this.top + options.rowHeight * 1.5, options.emptyText, textStyle(30, COLORS.muted))
      .setOrigin(0.5);
  }

  /** The whole standings; the current page of them shows. */
  show(items: readonly T[]): void {
    this.pages.set(items, this.scene.time.now);
    this.render(false);
  }

  /** Called every frame: turns the page when its time has come. */
  update(now: number): void {
    if (this.pages.turned(now)) this.render(true);
  }

  private render(turned: boolean): void {
    const page = this.pages.page;
    const shown = this.pages.items;
    this.empty.setVisible(shown.length === 0);
    setText(this.pageText, pageLabel(page));
    const keep = new Set<string>();
    shown.forEach((item, slot) => {
      const key = this.options.key(item);
      keep.add(key);
      const row = this.rows.get(key);
      if (row === undefined) this.rows.set(key, this.enter(item, slot, turned));
      else this.move(row, item, slot);
    });
    for (const [key, row] of this.rows) {
      if (keep.has(key)) continue;
      this.rows.delete(key);
      this.scene.tweens.killTweensOf(row.container);
      this.scene.tweens.add({
        targets: row.container,
        alpha: 0,
        x: row.container.x + 60,
        duration: turned ? 200 : 150,
        onComplete: () => destroyTweened(this.scene, row.container),
      });
    }
  }

  private slotY(slot: number): number {
    return this.top + slot * this.options.rowHeight;
  }

  /** `turned`: the row comes with a new page (it slides in quietly) rather than with a move in the standings. */
  private enter(item: T, slot: number, turned: boolean): Row<T> {
    const { rect, columns, rowHeight, fontSize } = this.options;
    const mid = rowHeight / 2;
    const flash = this.scene.add.rectangle(rect.x + 12, 4, rect.width - 24, rowHeight - 8, COLORS.up, 0).setOrigin(0, 0);
    const marker = this.scene.add
      .triangle(rect.x + 24, mid, 0, 14, 14, 0, 28, 14, COLORS.up)
      .setOrigin(0.5)
      .setVisible(false);
    const cells = columns.map((c) =>
      this.scene.add.text(rect.x + c.x, mid, '', textStyle(c.size ?? fontSize, COLORS.text, c.bold ?? false)).setOrigin(c.align, 0.5),
    );
    const container = this.scene.add.container(0, this.slotY(slot), [flash, marker, ...cells]);
    const row: Row<T> = { container, flash, marker, cells, item, slot };
    this.fill(row, item);
    const movement = turned ? 'same' : this.options.movement(item);
    // Someone climbing into view comes from below; a newcomer to the game, or the next page, slides in from the side.
    if (movement === 'up') container.y = this.slotY(this.options.rows);
    else container.x = 60;
    container.alpha = 0;
    this.scene.tweens.add({
      targets: container,
      x: 0,
      y: this.slotY(slot),
      alpha: 1,
      duration: turned ? 300 : MOVE_MS,
      delay: turned ? 150 : 0,
      ease: 'Cubic.easeOut',
    });
    if (movement === 'up') this.signal(row, 'up');
    return row;
  }

  private move(row: Row<T>, item: T, slot: number): void {
    this.fill(row, item);
    const movement = this.options.movement(item);
    if (slot !== row.slot) {
      row.slot = slot;
      this.scene.tweens.killTweensOf(row.container);
      this.scene.tweens.add({ targets: row.container, x: 0, y: this.slotY(slot), alpha: 1, duration: MOVE_MS, ease: 'Cubic.easeInOut' });
    }
    if (movement === 'up' || movement === 'down') this.signal(row, movement);
  }

  private fill(row: Row<T>, item: T): void {
    row.item = item;
    this.options.columns.forEach((column, i) => {
      const cell = row.cells[i];
      if (column.width === undefined) setText(cell, column.text(item));
      else setFittedText(cell, column.text(item), column.width);
      const color = css(column.color?.(item) ?? COLORS.text);
      if (cell.style.color !== color) cell.setColor(color);
    });
  }

  /** A flash and an arrow by the rank: who just moved, and which way. */
  private signal(row: Row<T>, movement: 'up' | 'down'): void {
    const color = movement === 'up' ? COLORS.up : COLORS.down;
    row.flash.setFillStyle(color, 1).setAlpha(0.35);
    this.scene.tweens.killTweensOf(row.flash);
    this.scene.tweens.add({ targets: row.flash, alpha: 0, duration: 1500, ease: 'Quad.easeIn' });
    row.marker
      .setFillStyle(color)
      .setVisible(true)
      .setAngle(movement === 'up' ? 0 : 180);
    this.scene.tweens.killTweensOf(row.marker);
    row.marker.setAlpha(1);
    this.scene.tweens.add({ targets: row.marker, alpha: 0, delay: 2500, duration: 500 });
  }
}
