/**
 * The one scene of the scoreboard: lays out the views and routes the store's
 * change events to them. Views redraw on events, not on every frame; the
 * per-frame work is the ticker's scroll, the countdowns and Phaser's tweens.
 */
import * as Phaser from 'phaser';
import type { RankedTeam, RankedTrader } from '../state/standings.js';
import type { ScoreboardStore } from '../state/scoreboard-store.js';
import { countdownText, podiumOf } from '../state/ending.js';
import { BannerView } from './banner-view.js';
import { EndingView } from './ending-view.js';
import { HeaderView } from './header-view.js';
import { MonkeyView } from './monkey-view.js';
import { PriceView } from './price-view.js';
import { RankList, type Column } from './rank-list.js';
import { createTextures } from './textures.js';
import { teamColors } from './team-palette.js';
import { COLORS, LAYOUT } from './theme.js';
import { TickerView } from './ticker-view.js';

const scoreColor = (score: number) => (score < 0 ? COLORS.down : COLORS.banana);

function rankColumn<T extends { rank: number }>(): Column<T> {
  return { header: '#', x: 70, align: 1, text: (t) => String(t.rank), color: () => COLORS.muted, bold: true };
}

/** Rows a page: 60 traders in 5 pages and 16 teams in 4, every name at ≥ 30 px on the 1080p design. */
export const TRADERS_PER_PAGE = 12;
export const TEAMS_PER_PAGE = 4;
/** How long a page of the standings shows by default: the 5 pages of 60 traders turn in 30 s. */
export const DEFAULT_PAGE_MS = 6000;

export interface ScoreboardSceneOptions {
  /** How long each page of the standings shows (`?rotate=SECONDS`). */
  readonly pageMs?: number;
}

export class ScoreboardScene extends Phaser.Scene {
  private header!: HeaderView;
  private ticker!: TickerView;
  private banners!: BannerView;
  private readonly unsubscribe: (() => void)[] = [];

  private readonly rotating: { update(now: number): void }[] = [];
  private readonly pageMs: number;
  /** Each team's colour: distinct for up to 18 teams, the same on every screen (see team-palette.ts). */
  private colors = new Map<string, number>();

  constructor(
    private readonly store: ScoreboardStore,
    options: ScoreboardSceneOptions = {},
  ) {
    super('scoreboard');
    this.pageMs = options.pageMs ?? DEFAULT_PAGE_MS;
  }

  private colorOf = (team: string): number => this.colors.get(team) ?? COLORS.muted;

  create(): void {
    createTextures(this);
    const store = this.store;
    this.header = new HeaderView(this);
    const price = new PriceView(this);
    const monkeys = new MonkeyView(this, { lanes: TEAMS_PER_PAGE, pageMs: this.pageMs, colorOf: this.colorOf });
    const traders = new RankList<RankedTrader>(this, {
      rect: LAYOUT.traders,
      title: 'TRADERS',
      rows: TRADERS_PER_PAGE,
      pageMs: this.pageMs,
      rowHeight: 38,
      fontSize: 30,
      key: (t) => t.id,
      movement: (t) => t.movement,
      emptyText: 'no traders yet: register a bot!',
      columns: [
        rankColumn(),
        { header: 'TRADER', x: 84, align: 0, text: (t) => t.name, bold: true, width: 226 },
        { header: 'TEAM', x: 322, align: 0, text: (t) => t.team, color: (t) => this.colorOf(t.team), size: 28, width: 150 },
        { header: 'SCORE', x: 585, align: 1, text: (t) => String(t.score), color: (t) => scoreColor(t.score), bold: true },
        { header: 'FED', x: 680, align: 1, text: (t) => String(t.fedMonkeys), size: 28 },
        { header: 'BAIL', x: 776, align: 1, text: (t) => String(t.bailouts), color: (t) => (t.bailouts > 0 ? COLORS.down : COLORS.muted), size: 28 },
      ],
    });
    const teams = new RankList<RankedTeam>(this, {
      rect: LAYOUT.teams,
      title: 'TEAMS',
      rows: TEAMS_PER_PAGE,
      pageMs: this.pageMs,
      rowHeight: 40,
      fontSize: 32,
      key: (t) => t.team,
      movement: (t) => t.movement,
      emptyText: 'no teams yet',
      columns: [
        rankColumn(),
        { header: 'TEAM', x: 84, align: 0, text: (t) => t.team, color: (t) => this.colorOf(t.team), bold: true, width: 400 },
        { header: 'FED', x: 640, align: 1, text: (t) => String(t.fedMonkeys) },
        { header: 'SCORE', x: 776, align: 1, text: (t) => String(t.score), color: (t) => scoreColor(t.score), bold: true },
      ],
    });
    this.rotating.push(traders, teams, monkeys);
    this.ticker = new TickerView(this);
    this.banners = new BannerView(this);
    const ending = new EndingView(this);
    const showEnding = () => {
      ending.showCountdown(countdownText(store.market));
      ending.showPodium(podiumOf(store.market, store.standings));
    };
    showEnding();

    // What is already known (the store may have been fed before the scene booted)…
    price.showMarket(store.market);
    price.showHistory(store.history);
    this.header.showMarket(store.market, store.gameClockMs);
    this.header.showConnection(store.connection);
    this.banners.showConnection(store.connection);
    if (store.market !== undefined) this.banners.showStatus(store.market.status);
    this.banners.showBroker(store.broker);
    this.colors = teamColors(store.standings.teams.map((t) => t.team));
    traders.show(store.standings.traders);
    teams.show(store.standings.teams);
    monkeys.show(store.standings.teams);
    for (const gibb of [...store.gibbs.latest].reverse()) this.ticker.add(gibb, store.gibbs.latest);

    // …then every change.
    this.unsubscribe.push(
      store.on('market', (market) => {
        price.showMarket(market);
        this.header.showMarket(market, store.gameClockMs);
        this.banners.showStatus(market.status);
        showEnding();
      }),
      store.on('newGame', showEnding),
      store.on('history', (history) => price.showHistory(history)),
      store.on('leaderboard', (standings) => {
        this.colors = teamColors(standings.teams.map((t) => t.team));
        traders.show(standings.traders);
        teams.show(standings.teams);
        monkeys.show(standings.teams);
        showEnding();
      }),
      store.on('gibbs', ({ latest, added, marked }) => {
        if (added !== undefined) this.ticker.add(added, latest);
        if (marked !== undefined) this.ticker.mark(marked);
      }),
      store.on('banner', (banner) => this.banners.show(banner)),
      store.on('broker', (broker) => this.banners.showBroker(broker)),
      store.on('connection', (connection) => {
        this.header.showConnection(connection);
        this.banners.showConnection(connection);
      }),
    );
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => this.unsubscribe.forEach((off) => off()));
  }

  override update(time: number, delta: number): void {
    for (const view of this.rotating) view.update(time);
    this.ticker.update(delta);
    this.banners.update(time);
    this.header.update();
  }
}
