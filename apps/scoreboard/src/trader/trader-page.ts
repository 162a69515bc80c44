/**
 * A trader's own page (/trader/{team}/{name}, public like the scoreboard):
 * its score, ranks, coins, shares and monkeys fed, all four over time, its
 * plantations in flight and its last 100 actions with their results and
 * reasons — what a participant needs to see why their bot did what it did.
 * GET /api/traders/{team}/{name} every five seconds, read with the protocol's schema.
 */
import { Chart, registerables } from 'chart.js';
import { API_PATHS, traderPageSchema, type TraderPage } from '@banana-market/protocol';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

// Each refresh reads the trader's partition of two topics back on the server: every few seconds is plenty for a person.
const REFRESH_MS = 5_000;
const params = new URLSearchParams(location.search);
const team = params.get('team') ?? '';
const name = params.get('name') ?? '';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the trader page is missing #${id}`);
  return element as T;
};

const chart = new Chart<'line', { x: number; y: number }[]>($<HTMLCanvasElement>('history-chart'), {
  type: 'line',
  data: {
    datasets: [
      { label: 'score', data: [], borderColor: '#15803d', pointRadius: 0 },
      { label: 'coins', data: [], borderColor: '#c9a400', pointRadius: 0 },
      { label: 'shares', data: [], borderColor: '#2563eb', pointRadius: 0 },
      { label: 'monkeys fed', data: [], borderColor: '#9333ea', pointRadius: 0 },
    ],
  },
  options: { parsing: false, scales: { x: { type: 'linear', title: { display: true, text: 'minutes' } } } },
});

function show(page: TraderPage): void {
  document.title = `Banana Market — ${page.team}/${page.name}`;
  $('title').textContent = `${page.team}/${page.name}`;
  $('score').textContent = String(page.score);
  $('rank-game').textContent = page.rank === null ? '—' : `${page.rank.game} of ${page.rank.traders}`;
  $('rank-team').textContent = page.rank === null ? '—' : `${page.rank.team} of ${page.rank.teamTraders}`;
  $('coins').textContent = page.state === null ? '—' : page.state.coins.toFixed(2);
  $('shares').textContent = page.state === null ? '—' : String(page.state.shares);
  $('fed').textContent = page.state === null ? '—' : String(page.state.fedMonkeys);
  const start = page.history.length > 0 ? Date.parse(page.history[0][0]) : 0;
  const x = (time: string) => Math.round(((Date.parse(time) - start) / 60_000) * 100) / 100;
  [1, 2, 3, 4].forEach((column, i) => {
    chart.data.datasets[i].data = page.history.map((point) => ({ x: x(point[0]), y: point[column] as number }));
  });
  chart.update();
  $('plantations').replaceChildren(
    ...(page.plantations === null
      ? [item('held by another server of the game')]
      : page.plantations.length === 0
        ? [item('none')]
        : page.plantations.map((p) => item(`${p.invested.toFixed(2)} coins, paying at ${new Date(p.dueAt).toLocaleTimeString()}`))),
  );
  $('actions').replaceChildren(
    ...page.actions.map((action) => {
      const row = document.createElement('tr');
      for (const text of [new Date(action.time).toLocaleTimeString(), action.type, action.status, action.reason ?? '', action.txnId])
        row.insertCell().textContent = text;
      row.cells[2].className = action.status;
      return row;
    }),
  );
}

function item(text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}

async function refresh(): Promise<void> {
  const response = await fetch(`${API_PATHS.traders}/${encodeURIComponent(team)}/${encodeURIComponent(name)}`);
  const body: unknown = await response.json().catch(() => undefined);
  const page = traderPageSchema.safeParse(body);
  if (!response.ok || !page.success) {
    $('status').textContent = (body as { message?: string } | undefined)?.message ?? `the server answered ${response.status}`;
    return;
  }
  $('status').textContent = '';
  show(page.data);
  document.body.dataset.ready = 'true';
}

void refresh();
setInterval(() => void refresh(), REFRESH_MS);
