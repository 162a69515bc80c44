/**
 * The post-game report (/report/), during or after the game: team scores
 * minute by minute, the price with the hype and the bursts marked, the
 * bailouts on a timeline (Chart.js), and a line per trader. Everything comes
 * from GET /api/report, read with the protocol's schema; the page prints to
 * PDF from the browser.
 */
import { Chart, registerables } from 'chart.js';
import { API_PATHS, gameReportSchema, type GameReport } from '@banana-market/protocol';
// The scoreboard's own team colours (team-palette.ts is plain data; theme.ts imports Phaser's types only).
import { teamColors } from '../scene/team-palette.js';
import { css } from '../scene/theme.js';

Chart.register(...registerables);
// Printed or shown once: no animation to wait for.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

const MINUTE_MS = 60_000;
const minutes = (ms: number) => Math.round((ms / MINUTE_MS) * 100) / 100;

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the report page is missing #${id}`);
  return element as T;
};

function scoresChart(report: GameReport): void {
  const { stepMs, teams } = report.teamScores;
  const colors = teamColors(Object.keys(teams));
  const teamColor = (team: string) => colors.get(team) ?? 0x888888;
  new Chart($<HTMLCanvasElement>('scores-chart'), {
    type: 'line',
    data: {
      datasets: Object.entries(teams).map(([team, scores]) => ({
        label: team,
        data: scores.map((score, i) => ({ x: minutes((i + 1) * stepMs), y: score })),
        borderColor: css(teamColor(team)),
        backgroundColor: css(teamColor(team)),
        pointRadius: 0,
        tension: 0.2,
      })),
    },
    options: {
      parsing: false,
      scales: { x: { type: 'linear', min: 0, title: { display: true, text: 'minute' } }, y: { title: { display: true, text: 'score' } } },
    },
  });
}

function priceChart(report: GameReport): void {
  const priceAt = (at: number) => report.prices.reduce((found, p) => (p[0] <= at ? p[1] : found), report.prices[0]?.[1] ?? 0);
  new Chart($<HTMLCanvasElement>('price-chart'), {
    type: 'line',
    data: {
      datasets: [
        {
          label: 'price (coins)',
          data: report.prices.map(([at, price]) => ({ x: minutes(at), y: price })),
          borderColor: '#c9a400',
          pointRadius: 0,
          yAxisID: 'price',
        },
        {
          label: 'hype',
          data: report.prices.map(([at, , hype]) => ({ x: minutes(at), y: hype })),
          borderColor: '#7c3aed',
          pointRadius: 0,
          stepped: true,
          yAxisID: 'hype',
        },
        {
          type: 'scatter',
          label: 'bubble bursts',
          data: report.bursts.map((b) => ({ x: minutes(b.at), y: priceAt(b.at) })),
          backgroundColor: '#dc2626',
          pointRadius: 7,
          pointStyle: 'triangle',
          yAxisID: 'price',
        },
      ],
    },
    options: {
      parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'minute' } },
        price: { type: 'linear', position: 'left', title: { display: true, text: 'coins' } },
        hype: { type: 'linear', position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'hype' } },
      },
    },
  });
}

function bailoutsChart(report: GameReport): void {
  const traders = [...new Set(report.bailouts.map((b) => `${b.team}/${b.name}`))];
  new Chart($<HTMLCanvasElement>('bailouts-chart'), {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'bailout',
          data: report.bailouts.map((b) => ({ x: minutes(b.at), y: traders.indexOf(`${b.team}/${b.name}`) })),
          backgroundColor: '#f97316',
          pointRadius: 6,
        },
      ],
    },
    options: {
      scales: {
        x: { type: 'linear', min: 0, max: Math.max(1, report.minutes), title: { display: true, text: 'minute' } },
        y: { type: 'linear', min: -0.5, max: Math.max(0.5, traders.length - 0.5), ticks: { stepSize: 1, callback: (v) => traders[Number(v)] ?? '' } },
      },
    },
  });
}

function traderRows(report: GameReport): HTMLTableRowElement[] {
  const minute = (m: { minute: number; delta: number } | null) => (m === null ? '—' : `${m.minute + 1} (${m.delta >= 0 ? '+' : ''}${m.delta})`);
  return report.traders.map((t, i) => {
    const row = document.createElement('tr');
    const refused = Object.entries(t.refused)
      .map(([why, n]) => `${why} ${n}`)
      .join(', ');
    const cells: [string, boolean][] = [
      [String(i + 1), false],
      [t.team, false],
      [t.name, false],
      [String(t.score), true],
      [String(t.fedMonkeys), true],
      [String(t.bailouts), true],
      [String(t.actions), true],
      [String(t.accepted), true],
      [refused || '—', false],
      [minute(t.bestMinute), false],
      [minute(t.worstMinute), false],
    ];
    for (const [text, numeric] of cells) {
      const cell = row.insertCell();
      cell.textContent = text;
      if (numeric) cell.className = 'num';
    }
    return row;
  });
}

async function main(): Promise<void> {
  const response = await fetch(API_PATHS.report);
  const parsed = gameReportSchema.safeParse(await response.json().catch(() => undefined));
  if (!response.ok || !parsed.success) {
    $('summary').textContent = `The report could not be read (the server answered ${response.status}).`;
    return;
  }
  const report = parsed.data;
  const started = report.startedAt === null ? 'not started' : `started ${new Date(report.startedAt).toLocaleString()}`;
  $('summary').textContent =
    `${started} · ${report.minutes} minute(s) · ${report.traders.length} trader(s) · ${report.bursts.length} burst(s) · ${report.bailouts.length} bailout(s)`;
  scoresChart(report);
  priceChart(report);
  bailoutsChart(report);
  $('traders').replaceChildren(...traderRows(report));
  document.body.dataset.ready = 'true';
}

void main();
