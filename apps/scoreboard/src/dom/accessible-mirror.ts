/**
 * The scoreboard as text, for screen readers (and tests): current price in
 * a polite live region, the leaderboard and team standings as tables, the
 * latest gibbs, the connection state, a lost broker and the last banner. It is visually
 * hidden — the canvas shows the same things for the room.
 */
import type { Banner } from '../state/banners.js';
import { tickerMark, type TickerGibb } from '../state/gibb-feed.js';
import type { BrokerState, ConnectionState, MarketState, ScoreboardStore } from '../state/scoreboard-store.js';
import type { Standings } from '../state/standings.js';
import { formatClock, formatCoins, formatForecast } from '../format.js';
import { countdownText, podiumLines, podiumOf } from '../state/ending.js';

/** Rows mirrored: more than the canvas shows, bounded so a huge game stays cheap. */
const MAX_TRADER_ROWS = 50;

export function mountAccessibleMirror(root: HTMLElement, store: ScoreboardStore): void {
  const $ = <T extends HTMLElement>(id: string) => {
    const element = root.querySelector<T>(`#${id}`);
    if (element === null) throw new Error(`scoreboard page is missing #${id}`);
    return element;
  };
  const price = $('price-text');
  const clock = $('clock-text');
  const connection = $('connection-text');
  const traders = $<HTMLTableSectionElement>('traders-rows');
  const teams = $<HTMLTableSectionElement>('teams-rows');
  const gibbs = $<HTMLOListElement>('gibbs-list');
  const banner = $('banner-text');
  const broker = $('broker-text');
  const countdown = $('countdown-text');
  const historyText = $('history-text');
  store.on('history', (history) => {
    const first = history.all[0];
    setText(historyText, first === undefined ? '' : `price chart: ${history.all.length} points since tick ${first.tick}`);
  });
  const podium = $<HTMLOListElement>('podium-list');
  const showEnding = () => {
    const left = countdownText(store.market);
    setText(countdown, left === undefined ? '' : `the game ends in ${left}`);
    const lines = podiumOf(store.market, store.standings);
    podium.replaceChildren(
      ...(lines === undefined ? [] : podiumLines(lines)).map((line) => {
        const item = document.createElement('li');
        item.textContent = line;
        return item;
      }),
    );
  };
  store.on('market', showEnding);
  store.on('leaderboard', showEnding);
  store.on('newGame', showEnding);

  store.on('market', (market) => {
    setText(price, describePrice(market));
    setText(clock, `game time ${formatClock(store.gameClockMs)}, game ${market.status}`);
  });
  store.on('leaderboard', (standings) => renderStandings(traders, teams, standings));
  store.on('gibbs', ({ latest }) => renderGibbs(gibbs, latest));
  store.on('connection', (state) => setText(connection, describeConnection(state)));
  store.on('banner', (b: Banner) => setText(banner, `${b.title} ${b.detail}`));
  store.on('broker', (state) => {
    setText(broker, describeBroker(state));
    broker.hidden = state.status === 'ok';
  });
}

export function describeBroker(state: BrokerState): string {
  return state.status === 'ok' ? '' : `Broker unavailable — the game is frozen (${state.reason})`;
}

export function describePrice(market: MarketState): string {
  const trend = market.direction === 'flat' ? '' : `, ${market.direction}`;
  return `Banana share price ${formatCoins(market.price)} coins${trend}. Forecast ${formatForecast(market.forecast)}, hype ${market.hype.toFixed(2)}.`;
}

export function describeConnection(state: ConnectionState): string {
  switch (state.status) {
    case 'live':
      return 'Live';
    case 'connecting':
      return 'Connecting to the game server…';
    case 'reconnecting':
      return `Connection lost (${state.reason}); reconnecting, attempt ${state.attempt}`;
  }
}

function renderStandings(traderRows: HTMLTableSectionElement, teamRows: HTMLTableSectionElement, standings: Standings): void {
  traderRows.replaceChildren(
    ...standings.traders.slice(0, MAX_TRADER_ROWS).map((t) => row([t.rank, t.team, t.name, t.score, t.fedMonkeys, t.bailouts], `trader-${t.id}`)),
  );
  teamRows.replaceChildren(...standings.teams.map((t) => row([t.rank, t.team, t.score, t.fedMonkeys, t.traders], `team-${t.team}`)));
}

function renderGibbs(list: HTMLOListElement, latest: readonly TickerGibb[]): void {
  list.replaceChildren(
    ...latest.map((g) => {
      const item = document.createElement('li');
      item.dataset.gibbId = g.id;
      item.textContent = `${g.text} (${tickerMark(g).label})`;
      return item;
    }),
  );
}

function row(cells: readonly (string | number)[], key: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.key = key;
  for (const value of cells) {
    const td = document.createElement('td');
    td.textContent = String(value);
    tr.appendChild(td);
  }
  return tr;
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
