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
import { COLORS, fit, LAYOUT, teamColor } from './theme.js';
import { TickerView } from './ticker-view.js';

const scoreColor = (score: number) => (score < 0 ? COLORS.down : COLORS.banana);

function rankColumn<T extends { rank: number }>(): Column<T> {
  return { header: '#', x: 66, align: 1, text: (t) => String(t.rank), color: () => COLORS.muted, bold: true };
}

export class ScoreboardScene extends Phaser.Scene {
  private header!: HeaderView;
  private ticker!: TickerView;
  private banners!: BannerView;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly store: ScoreboardStore) {
    super('scoreboard');
  }

  create(): void {
    createTextures(this);
    const store = this.store;
    this.header = new HeaderView(this);
    const price = new PriceView(this);
    const monkeys = new MonkeyView(this);
    const traders = new RankList<RankedTrader>(this, {
      rect: LAYOUT.traders,
      title: 'TOP TRADERS',
      rows: 8,
      rowHeight: 56,
      fontSize: 38,
      key: (t) => t.id,
      movement: (t) => t.movement,
      emptyText: 'no traders yet: register a bot!',
      columns: [
        rankColumn(),
        { header: 'TRADER', x: 86, align: 0, text: (t) => fit(t.name, 10), bold: true },
        { header: 'TEAM', x: 338, align: 0, text: (t) => fit(t.team, 7), color: (t) => teamColor(t.team), size: 34 },
        { header: 'SCORE', x: 615, align: 1, text: (t) => String(t.score), color: (t) => scoreColor(t.score), bold: true },
        { header: 'FED', x: 705, align: 1, text: (t) => String(t.fedMonkeys), size: 34 },
        { header: 'BAIL', x: 780, align: 1, text: (t) => String(t.bailouts), color: (t) => (t.bailouts > 0 ? COLORS.down : COLORS.muted), size: 34 },
      ],
    });
    const teams = new RankList<RankedTeam>(this, {
      rect: LAYOUT.teams,
      title: 'TEAMS',
      rows: 4,
      rowHeight: 44,
      fontSize: 34,
      key: (t) => t.team,
      movement: (t) => t.movement,
      emptyText: 'no teams yet',
      columns: [
        rankColumn(),
        { header: 'TEAM', x: 86, align: 0, text: (t) => fit(t.team, 14), color: (t) => teamColor(t.team), bold: true },
        { header: 'TRADERS', x: 520, align: 1, text: (t) => String(t.traders), color: () => COLORS.muted },
        { header: 'FED', x: 650, align: 1, text: (t) => String(t.fedMonkeys) },
        { header: 'SCORE', x: 780, align: 1, text: (t) => String(t.score), color: (t) => scoreColor(t.score), bold: true },
      ],
    });
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
    this.ticker.update(delta);
    this.banners.update(time);
    this.header.update();
  }
}
