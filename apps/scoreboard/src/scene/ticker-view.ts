/**
 * The gibb ticker along the bottom: the latest gibbs scroll by, each led by
 * its hype mark (+ green, − red, · none), and the room's price alerts when
 * the coach shows them (! in banana yellow). New gibbs go first; when none are
 * waiting, the latest ones come round again so the strip never runs dry.
 */
import type * as Phaser from 'phaser';
import { tickerMark, type TickerGibb } from '../state/gibb-feed.js';
import { COLORS, css, destroyTweened, fit, LAYOUT, textStyle } from './theme.js';

const LABEL_WIDTH = 200;
const GAP = 90;
const BASE_SPEED = 150; // px per second
const MAX_TEXT = 110;
const REPLAYED = 8;

interface Item {
  readonly gibb: TickerGibb;
  readonly container: Phaser.GameObjects.Container;
  readonly badge: Phaser.GameObjects.Arc;
  readonly sign: Phaser.GameObjects.Text;
  readonly width: number;
}

export class TickerView {
  private readonly items: Item[] = [];
  private readonly waiting: TickerGibb[] = [];
  private latest: readonly TickerGibb[] = [];
  private replayIndex = 0;
  private readonly placeholder: Phaser.GameObjects.Text;
  private readonly mid = LAYOUT.ticker.y + LAYOUT.ticker.height / 2;

  constructor(private readonly scene: Phaser.Scene) {
    const t = LAYOUT.ticker;
    scene.add.rectangle(t.x, t.y, t.width, t.height, 0x0d0d1f).setOrigin(0, 0);
    this.placeholder = scene.add
      .text(LABEL_WIDTH + 40, this.mid, 'no gibbs yet: tweet about #MKTD and bananas to move the hype', textStyle(36, COLORS.muted))
      .setOrigin(0, 0.5);
    // The label sits above the scrolling strip, which slides under it.
    scene.add.rectangle(t.x, t.y, LABEL_WIDTH, t.height, COLORS.banana).setOrigin(0, 0).setDepth(10);
    scene.add
      .text(LABEL_WIDTH / 2, this.mid, 'GIBBS', textStyle(44, COLORS.background, true))
      .setOrigin(0.5)
      .setDepth(10);
  }

  add(gibb: TickerGibb, latest: readonly TickerGibb[]): void {
    this.latest = latest;
    this.waiting.push(gibb);
  }

  mark(gibb: TickerGibb): void {
    for (const item of this.items) if (item.gibb.id === gibb.id) this.paintMark(item);
  }

  /** Every frame: scroll, drop what left the screen, bring in the next gibb when there is room. */
  update(deltaMs: number): void {
    const speed = BASE_SPEED + Math.min(350, 70 * this.waiting.length);
    const dx = (speed * Math.min(deltaMs, 100)) / 1000;
    for (const item of this.items) item.container.x -= dx;
    while (this.items.length > 0 && this.items[0].container.x + this.items[0].width < LABEL_WIDTH) {
      destroyTweened(this.scene, this.items.shift()!.container);
    }
    const tail = this.items[this.items.length - 1];
    const tailEnd = tail === undefined ? -Infinity : tail.container.x + tail.width;
    if (tailEnd + GAP > LAYOUT.ticker.width) return;
    const next = this.waiting.shift() ?? this.replay();
    if (next === undefined) return;
    this.placeholder.setVisible(false);
    // An empty strip shows the gibb at once; otherwise it queues up behind the last one.
    const x = tail === undefined ? LABEL_WIDTH + 40 : Math.max(LAYOUT.ticker.width, tailEnd + GAP);
    this.items.push(this.spawn(next, x));
  }

  private replay(): TickerGibb | undefined {
    const pool = this.latest.slice(0, REPLAYED);
    if (pool.length === 0) return undefined;
    this.replayIndex = (this.replayIndex + 1) % pool.length;
    return pool[pool.length - 1 - this.replayIndex];
  }

  private spawn(gibb: TickerGibb, x: number): Item {
    const badge = this.scene.add.circle(26, 0, 26, COLORS.muted);
    const sign = this.scene.add.text(26, -2, '', textStyle(44, COLORS.background, true)).setOrigin(0.5);
    const text = this.scene.add.text(66, 0, fit(gibb.text.replace(/\s+/g, ' '), MAX_TEXT), textStyle(40, COLORS.text)).setOrigin(0, 0.5);
    const container = this.scene.add.container(x, this.mid, [badge, sign, text]);
    const item: Item = { gibb, container, badge, sign, width: 66 + text.width };
    this.paintMark(item);
    return item;
  }

  private paintMark(item: Item): void {
    const mark = tickerMark(item.gibb);
    const color = mark.sign === '+' ? COLORS.up : mark.sign === '−' ? COLORS.down : mark.sign === '!' ? COLORS.banana : COLORS.muted;
    item.badge.setFillStyle(color);
    if (item.sign.text !== mark.sign) item.sign.setText(mark.sign);
    item.sign.setColor(css(COLORS.background));
  }
}
