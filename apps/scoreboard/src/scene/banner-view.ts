/**
 * Event banners over the monkeys' panel — never over the price chart (a
 * burst is when the price moves most: its steps are marked on the price line)
 * nor the standings: bubble bursts (with a bar of their steps), bailouts,
 * pause/resume/reset. One shows at a time; the steps of a burst and a run of
 * bailouts update the banner on screen instead of queueing behind it. A
 * paused or ended game keeps a strip over the gibbs ticker for as long as it
 * lasts (the panels and their headers stay readable); a lost connection
 * dims the whole board.
 */
import type * as Phaser from 'phaser';
import { mergeBailouts, type Banner, type BannerTone } from '../state/banners.js';
import type { BrokerState, ConnectionState } from '../state/scoreboard-store.js';
import type { GameStatus } from '@banana-market/protocol';
import { setText } from './header-view.js';
import { COLORS, css, DESIGN_HEIGHT, DESIGN_WIDTH, LAYOUT, setFittedText, textStyle } from './theme.js';

const SHOW_MS = { burst: 5200, bailout: 2600, default: 3500 } as const;
const WIDTH = LAYOUT.monkeys.width - 40;
const HEIGHT = 230;
/** Where the banners show: the middle of the monkeys' panel. */
const BANNER_CENTER = { x: LAYOUT.monkeys.x + LAYOUT.monkeys.width / 2, y: LAYOUT.monkeys.y + LAYOUT.monkeys.height / 2 };
const TONE_COLORS: Record<BannerTone, number> = { good: COLORS.up, bad: COLORS.down, info: COLORS.ema, alert: COLORS.alert };
const MAX_QUEUE = 6;
/** After this long offline, the whole board is marked stale. */
const STALE_AFTER_MS = 2500;

/** The strip's text: a lost broker first, then a paused or ended game; '' for none. */
export function stickyText(status: GameStatus, broker: BrokerState): string {
  if (broker.status === 'degraded') return BROKER_UNAVAILABLE_TEXT;
  if (status === 'lobby') return 'STARTING SOON — register and connect your bot, the coach starts the game';
  return status === 'paused' ? 'GAME PAUSED — the market is waiting for the coach' : status === 'ended' ? 'GAME OVER — final standings' : '';
}

export const BROKER_UNAVAILABLE_TEXT = 'BROKER UNAVAILABLE — the game is frozen';

export class BannerView {
  private readonly container: Phaser.GameObjects.Container;
  private readonly frame: Phaser.GameObjects.Graphics;
  private readonly title: Phaser.GameObjects.Text;
  private readonly detail: Phaser.GameObjects.Text;
  private readonly progress: Phaser.GameObjects.Graphics;
  private readonly sticky: Phaser.GameObjects.Container;
  private readonly stickyText: Phaser.GameObjects.Text;
  private readonly offline: Phaser.GameObjects.Container;
  private readonly offlineText: Phaser.GameObjects.Text;
  private readonly queue: Banner[] = [];
  private current: Banner | undefined;
  private hiding = false;
  private hideAt = 0;
  private connection: ConnectionState = { status: 'connecting', attempt: 1 };
  private status: GameStatus = 'running';
  private broker: BrokerState = { status: 'ok' };

  constructor(private readonly scene: Phaser.Scene) {
    const cx = DESIGN_WIDTH / 2;
    this.frame = scene.add.graphics();
    this.title = scene.add.text(0, -40, '', textStyle(92, COLORS.text, true)).setOrigin(0.5);
    this.detail = scene.add.text(0, 45, '', textStyle(42, COLORS.text)).setOrigin(0.5);
    this.progress = scene.add.graphics();
    this.container = scene.add
      .container(BANNER_CENTER.x, BANNER_CENTER.y, [this.frame, this.title, this.detail, this.progress])
      .setDepth(20)
      .setVisible(false);

    const ticker = LAYOUT.ticker;
    const stickyBg = scene.add.rectangle(0, 0, ticker.width, ticker.height, 0x0d0d1f, 0.96);
    this.stickyText = scene.add.text(0, 0, '', textStyle(50, COLORS.alert, true)).setOrigin(0.5);
    this.sticky = scene.add
      .container(ticker.x + ticker.width / 2, ticker.y + ticker.height / 2, [stickyBg, this.stickyText])
      .setDepth(15)
      .setVisible(false);

    const shade = scene.add.rectangle(0, 0, DESIGN_WIDTH, DESIGN_HEIGHT, 0x000000, 0.55);
    this.offlineText = scene.add
      .text(0, 0, '', textStyle(60, COLORS.text, true))
      .setOrigin(0.5)
      .setAlign('center');
    this.offline = scene.add
      .container(cx, DESIGN_HEIGHT / 2, [shade, this.offlineText])
      .setDepth(30)
      .setVisible(false);
  }

  show(banner: Banner): void {
    const current = this.current;
    if (current !== undefined && !this.hiding && current.key === banner.key && (banner.key === 'burst' || banner.key === 'bailout')) {
      this.paint(banner.key === 'bailout' ? mergeBailouts(current, banner) : banner, false);
      return;
    }
    const queued = this.queue.findIndex((b) => b.key === banner.key);
    if (queued >= 0) this.queue[queued] = banner.key === 'bailout' ? mergeBailouts(this.queue[queued], banner) : banner;
    else if (this.queue.length < MAX_QUEUE) this.queue.push(banner);
    if (this.current === undefined) this.next();
  }

  /** The game's status as a strip that stays while the game is paused or over. */
  showStatus(status: GameStatus): void {
    this.status = status;
    this.refreshSticky();
  }

  /** A server without its broker: the strip says the game is frozen (before any status: nothing moves until it is back). */
  showBroker(broker: BrokerState): void {
    this.broker = broker;
    this.refreshSticky();
  }

  private refreshSticky(): void {
    const text = stickyText(this.status, this.broker);
    setFittedText(this.stickyText, text, LAYOUT.ticker.width - 60);
    this.sticky.setVisible(text !== '');
  }

  showConnection(connection: ConnectionState): void {
    this.connection = connection;
    this.refreshOffline();
  }

  update(now: number): void {
    if (this.current !== undefined && !this.hiding && now >= this.hideAt) this.hide();
    if (this.connection.status === 'reconnecting') this.refreshOffline();
  }

  private refreshOffline(): void {
    const c = this.connection;
    const stale = c.status === 'reconnecting' && Date.now() - c.since >= STALE_AFTER_MS;
    this.offline.setVisible(stale);
    if (stale) {
      const seconds = Math.max(0, Math.ceil((c.retryAt - Date.now()) / 1000));
      setText(this.offlineText, `Connection to the game server lost\nreconnecting${seconds > 0 ? ` in ${seconds} s` : '…'}`);
    }
  }

  private next(): void {
    const banner = this.queue.shift();
    if (banner === undefined) return;
    this.paint(banner, true);
  }

  private paint(banner: Banner, entering: boolean): void {
    this.current = banner;
    this.hideAt = this.scene.time.now + (banner.key === 'burst' ? SHOW_MS.burst : banner.key === 'bailout' ? SHOW_MS.bailout : SHOW_MS.default);
    const color = TONE_COLORS[banner.tone];
    this.frame.clear();
    this.frame.fillStyle(0x0d0d1f, 0.94);
    this.frame.fillRoundedRect(-WIDTH / 2, -HEIGHT / 2, WIDTH, HEIGHT, 28);
    this.frame.lineStyle(8, color, 1);
    this.frame.strokeRoundedRect(-WIDTH / 2, -HEIGHT / 2, WIDTH, HEIGHT, 28);
    setText(this.title, banner.title);
    this.title.setColor(css(color));
    setFittedText(this.detail, banner.detail, WIDTH - 60);
    this.drawProgress(banner, color);
    if (entering) {
      this.container.setVisible(true).setScale(0.6).setAlpha(0);
      this.scene.tweens.add({ targets: this.container, scale: 1, alpha: 1, duration: 350, ease: 'Back.easeOut' });
    } else {
      this.scene.tweens.add({ targets: this.container, scale: { from: 1.06, to: 1 }, duration: 250 });
    }
  }

  private drawProgress(banner: Banner, color: number): void {
    const g = this.progress;
    g.clear();
    if (banner.progress === undefined) return;
    const { step, steps } = banner.progress;
    const cell = 60;
    const left = -((steps * cell) / 2);
    for (let i = 0; i < steps; i++) {
      g.fillStyle(i < step ? color : COLORS.panelEdge, 1);
      g.fillRoundedRect(left + i * cell + 6, 84, cell - 12, 16, 6);
    }
  }

  private hide(): void {
    this.hiding = true;
    this.scene.tweens.add({
      targets: this.container,
      alpha: 0,
      scale: 0.9,
      duration: 250,
      onComplete: () => {
        this.hiding = false;
        this.current = undefined;
        this.container.setVisible(false);
        this.next();
      },
    });
  }
}
