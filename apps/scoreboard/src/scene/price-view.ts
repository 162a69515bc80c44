/**
 * The price panel: the current price, large and coloured by its last move,
 * the forecast and hype, and a line chart of the last minutes with the EMA
 * the forecast is made of. A bubble burst is marked on the chart itself: a
 * dashed line where it began, labelled, and a ring on the price at each of
 * its steps — the event stays readable without covering the price it moves.
 */
import type * as Phaser from 'phaser';
import { formatCoins, formatForecast, formatSigned } from '../format.js';
import type { PriceHistory } from '../state/price-history.js';
import type { MarketState } from '../state/scoreboard-store.js';
import { setText } from './header-view.js';
import { COLORS, css, drawPanel, LAYOUT, textStyle } from './theme.js';

const MIN_SPAN_MS = 30_000;

function formatSpan(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

const CHART = { x: LAYOUT.price.x + 150, y: LAYOUT.price.y + 230, width: LAYOUT.price.width - 180, height: LAYOUT.price.height - 270 };

export class PriceView {
  private readonly price: Phaser.GameObjects.Text;
  private readonly arrow: Phaser.GameObjects.Graphics;
  private readonly forecast: Phaser.GameObjects.Text;
  private readonly hype: Phaser.GameObjects.Text;
  private readonly chart: Phaser.GameObjects.Graphics;
  private readonly axisLabels: Phaser.GameObjects.Text[];
  private readonly emptyNote: Phaser.GameObjects.Text;
  private readonly spanLabel: Phaser.GameObjects.Text;
  private readonly burstLabels: Phaser.GameObjects.Text[] = [];

  constructor(private readonly scene: Phaser.Scene) {
    const p = LAYOUT.price;
    drawPanel(scene, p, 'BANANA SHARE PRICE · coins per share');
    this.arrow = scene.add.graphics();
    // Its box (taller than the figures) fits between the panel's title and the chart's top axis label.
    this.price = scene.add.text(p.x + 110, p.y + 53, '–', textStyle(136, COLORS.text, true));
    this.forecast = scene.add.text(p.x + p.width - 30, p.y + 70, '', textStyle(40, COLORS.text, true)).setOrigin(1, 0);
    this.hype = scene.add.text(p.x + p.width - 30, p.y + 125, '', textStyle(40, COLORS.text, true)).setOrigin(1, 0);
    const legend = scene.add.graphics();
    const legendY = p.y + 196;
    legend.fillStyle(COLORS.banana).fillRect(p.x + p.width - 430, legendY - 3, 40, 6);
    legend.fillStyle(COLORS.ema).fillRect(p.x + p.width - 220, legendY - 3, 40, 6);
    scene.add.text(p.x + p.width - 380, legendY, 'price', textStyle(28, COLORS.muted)).setOrigin(0, 0.5);
    scene.add.text(p.x + p.width - 170, legendY, 'EMA', textStyle(28, COLORS.muted)).setOrigin(0, 0.5);
    this.chart = scene.add.graphics();
    this.axisLabels = [0, 1, 2].map((i) =>
      scene.add.text(CHART.x - 16, CHART.y + (CHART.height * i) / 2, '', textStyle(28, COLORS.muted)).setOrigin(1, 0.5),
    );
    this.spanLabel = scene.add.text(CHART.x, CHART.y + CHART.height + 8, '', textStyle(26, COLORS.muted));
    scene.add.text(CHART.x + CHART.width, CHART.y + CHART.height + 8, 'now', textStyle(26, COLORS.muted)).setOrigin(1, 0);
    this.emptyNote = scene.add
      .text(CHART.x + CHART.width / 2, CHART.y + CHART.height / 2, 'waiting for the first ticks…', textStyle(32, COLORS.muted))
      .setOrigin(0.5);
  }

  showMarket(market: MarketState | undefined): void {
    if (market === undefined) {
      setText(this.price, '–');
      return;
    }
    const color = market.direction === 'down' ? COLORS.down : market.direction === 'up' ? COLORS.up : COLORS.text;
    setText(this.price, formatCoins(market.price));
    this.price.setColor(css(color));
    this.drawArrow(market.direction, color);
    setText(this.forecast, `forecast ${formatForecast(market.forecast)} ${market.forecast >= 1 ? '↗' : '↘'}`);
    this.forecast.setColor(css(market.forecast >= 1 ? COLORS.up : COLORS.down));
    setText(this.hype, `hype ${formatSigned(market.hype)}`);
    this.hype.setColor(css(market.hype > 0 ? COLORS.banana : market.hype < 0 ? COLORS.down : COLORS.muted));
  }

  /** Redrawn on each tick, not each frame: the Graphics keeps its commands in between. */
  showHistory(history: PriceHistory): void {
    const g = this.chart;
    g.clear();
    const points = history.all;
    const range = history.range();
    this.emptyNote.setVisible(points.length < 2);
    g.lineStyle(2, COLORS.grid, 1);
    for (let i = 0; i <= 2; i++) g.lineBetween(CHART.x, CHART.y + (CHART.height * i) / 2, CHART.x + CHART.width, CHART.y + (CHART.height * i) / 2);
    if (range === undefined || points.length < 2) {
      this.axisLabels.forEach((label) => setText(label, ''));
      setText(this.spanLabel, '');
      return;
    }
    const latest = points[points.length - 1].time;
    // A young game fills the chart rather than hugging its right edge; then the window slides.
    const span = Math.min(history.windowMs, Math.max(MIN_SPAN_MS, latest - points[0].time));
    setText(this.spanLabel, `−${formatSpan(span)}`);
    const x = (time: number) => CHART.x + CHART.width * (1 - (latest - time) / span);
    const y = (value: number) => CHART.y + CHART.height * (1 - (value - range.min) / (range.max - range.min));
    [range.max, (range.max + range.min) / 2, range.min].forEach((value, i) => setText(this.axisLabels[i], formatCoins(value)));
    this.polyline(
      points.map((p) => [x(p.time), y(p.ema)] as const),
      4,
      COLORS.ema,
    );
    this.polyline(
      points.map((p) => [x(p.time), y(p.price)] as const),
      6,
      COLORS.banana,
    );
    const last = points[points.length - 1];
    g.fillStyle(COLORS.banana, 1);
    g.fillCircle(x(last.time), y(last.price), 9);
    this.drawBursts(history, x, y, latest - span);
  }

  /** Each burst: a dashed line and a label where it began, a ring on the price line at each step. */
  private drawBursts(history: PriceHistory, x: (time: number) => number, y: (value: number) => number, since: number): void {
    const g = this.chart;
    const starts = history.bursts.filter((m) => m.step === 0 && m.time >= since);
    while (this.burstLabels.length < starts.length) {
      this.burstLabels.push(this.scene.add.text(0, CHART.y + 6, 'BURST', textStyle(26, COLORS.alert, true)).setOrigin(0, 0));
    }
    this.burstLabels.forEach((label, i) => {
      const start = starts[i];
      label.setVisible(start !== undefined);
      if (start === undefined) return;
      // The label sits right of its line, or left of it near the chart's right edge.
      const at = x(start.time);
      const nearEdge = at > CHART.x + CHART.width - 110;
      label.setOrigin(nearEdge ? 1 : 0, 0).setPosition(nearEdge ? at - 8 : at + 8, CHART.y + 6);
    });
    g.lineStyle(3, COLORS.alert, 0.9);
    for (const start of starts) {
      const at = x(start.time);
      for (let top = CHART.y; top < CHART.y + CHART.height; top += 18) g.lineBetween(at, top, at, Math.min(top + 10, CHART.y + CHART.height));
    }
    const points = history.all;
    for (const step of history.bursts) {
      if (step.step === 0 || step.time < since) continue;
      // The price at the step: the first tick at or after it.
      const at = points.find((p) => p.time >= step.time) ?? points[points.length - 1];
      g.lineStyle(4, COLORS.alert, 1);
      g.strokeCircle(x(at.time), y(at.price), 12);
    }
  }

  private polyline(coords: readonly (readonly [number, number])[], width: number, color: number): void {
    const g = this.chart;
    g.lineStyle(width, color, 1);
    g.beginPath();
    g.moveTo(coords[0][0], coords[0][1]);
    for (let i = 1; i < coords.length; i++) g.lineTo(coords[i][0], coords[i][1]);
    g.strokePath();
  }

  private drawArrow(direction: MarketState['direction'], color: number): void {
    const g = this.arrow;
    g.clear();
    if (direction === 'flat') return;
    const cx = LAYOUT.price.x + 62;
    const cy = LAYOUT.price.y + 130;
    g.fillStyle(color, 1);
    if (direction === 'up') g.fillTriangle(cx - 34, cy + 24, cx + 34, cy + 24, cx, cy - 34);
    else g.fillTriangle(cx - 34, cy - 24, cx + 34, cy - 24, cx, cy + 34);
  }
}
