/** The top strip: title, game status, game clock and the connection to the server. */
import type * as Phaser from 'phaser';
import { formatClock } from '../format.js';
import type { ConnectionState, MarketState } from '../state/scoreboard-store.js';
import { COLORS, css, LAYOUT, textStyle } from './theme.js';
import { TEXTURES } from './textures.js';

const STATUS_COLORS = { lobby: COLORS.banana, running: COLORS.up, paused: COLORS.alert, ended: COLORS.muted } as const;

export class HeaderView {
  private readonly status: Phaser.GameObjects.Text;
  private readonly clock: Phaser.GameObjects.Text;
  private readonly connectionDot: Phaser.GameObjects.Arc;
  private readonly connectionText: Phaser.GameObjects.Text;
  private connection: ConnectionState = { status: 'connecting', attempt: 1 };

  constructor(private readonly scene: Phaser.Scene) {
    const { y, height } = LAYOUT.header;
    const mid = y + height / 2;
    scene.add.image(64, mid, TEXTURES.banana).setScale(1.1);
    scene.add.text(110, mid, 'BANANA MARKET', textStyle(54, COLORS.banana, true)).setOrigin(0, 0.5);
    this.status = scene.add.text(1240, mid, '', textStyle(36, COLORS.up, true)).setOrigin(0, 0.5);
    scene.add.text(900, mid, 'GAME TIME', textStyle(26, COLORS.muted, true)).setOrigin(1, 0.5);
    this.clock = scene.add.text(915, mid, formatClock(0), textStyle(52, COLORS.text, true)).setOrigin(0, 0.5);
    this.connectionDot = scene.add.circle(1545, mid, 13, COLORS.alert);
    this.connectionText = scene.add.text(1570, mid, '', textStyle(34, COLORS.muted, true)).setOrigin(0, 0.5);
    scene.tweens.add({ targets: this.connectionDot, alpha: 0.35, duration: 700, yoyo: true, repeat: -1 });
  }

  showMarket(market: MarketState | undefined, clockMs: number): void {
    const status = market?.status ?? 'running';
    setText(this.status, `● ${status.toUpperCase()}`);
    this.status.setColor(css(STATUS_COLORS[status]));
    setText(this.clock, formatClock(clockMs));
  }

  showConnection(connection: ConnectionState): void {
    this.connection = connection;
    this.refreshConnection();
  }

  /** Called every frame: only the reconnect countdown changes between events. */
  update(): void {
    if (this.connection.status === 'reconnecting') this.refreshConnection();
  }

  private refreshConnection(): void {
    const c = this.connection;
    if (c.status === 'live') {
      this.connectionDot.setFillStyle(COLORS.up);
      setText(this.connectionText, 'LIVE');
    } else if (c.status === 'connecting') {
      this.connectionDot.setFillStyle(COLORS.alert);
      setText(this.connectionText, 'CONNECTING…');
    } else {
      this.connectionDot.setFillStyle(COLORS.down);
      const seconds = Math.max(0, Math.ceil((c.retryAt - Date.now()) / 1000));
      setText(this.connectionText, seconds > 0 ? `OFFLINE · retry ${seconds}s` : 'OFFLINE · retrying');
    }
    this.scene.tweens.getTweensOf(this.connectionDot).forEach((t) => (c.status === 'live' ? t.pause() : t.resume()));
    if (c.status === 'live') this.connectionDot.setAlpha(1);
  }
}

/** Text objects redraw their texture on every setText: skip it when nothing changed. */
export function setText(text: Phaser.GameObjects.Text, value: string): void {
  if (text.text !== value) text.setText(value);
}
