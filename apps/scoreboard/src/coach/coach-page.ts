/**
 * The coach's page (/coach/): the afternoon from one screen. It asks for the
 * admin token once (kept for this tab, shared with /coach/teams) and then
 * drives the same REST API a `curl` would: start, pause, resume, extend and
 * end the game — a reset only once RESET is typed — shows the time left, the
 * room's join and gibber URLs as QR codes, the gibb sources, the switch for
 * the room's --live price alerts on the ticker, and the traders with a revoke
 * button each. Every answer is read with the protocol's schemas.
 */
import QRCode from 'qrcode';
import {
  API_PATHS,
  gibbSourcesViewSchema,
  marketViewSchema,
  priceAlertsSwitchSchema,
  roomViewSchema,
  traderListSchema,
  type MarketView,
  type TraderActivity,
} from '@banana-market/protocol';
import { formatRemaining } from '../format.js';

const TOKEN_KEY = 'banana-market-admin-token';
const REFRESH_MS = 1_000;
const RESET_WORD = 'RESET';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the coach page is missing #${id}`);
  return element as T;
};

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let refresher: ReturnType<typeof setInterval> | undefined;
const status = $('status');

async function api(method: string, path: string, body?: unknown): Promise<{ ok: boolean; status: number; body: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const parsed: unknown = await response.json().catch(() => undefined);
  return { ok: response.ok, status: response.status, body: parsed };
}

const messageOf = (answer: { status: number; body: unknown }) =>
  (answer.body as { message?: string } | undefined)?.message ?? `the server answered ${answer.status}`;

/** A control: its request, then the game as it is now. */
async function command(path: string, body?: unknown): Promise<void> {
  status.textContent = '';
  const answer = await api('POST', path, body);
  if (!answer.ok) status.textContent = messageOf(answer);
  await refresh();
}

function showGame(market: MarketView): void {
  $('game-status').textContent = market.status;
  $('time-left').textContent = market.remainingMs === null ? 'no end' : formatRemaining(market.remainingMs);
  $('ends-at').textContent =
    market.endsAt === null ? 'The game has no length (GAME_DURATION).' : `Ends at ${new Date(market.endsAt).toLocaleTimeString()}`;
  $<HTMLButtonElement>('start').disabled = market.status !== 'lobby';
  $<HTMLButtonElement>('pause').disabled = market.status !== 'running';
  $<HTMLButtonElement>('resume').disabled = market.status !== 'paused';
  $<HTMLButtonElement>('end').disabled = market.status === 'ended';
  $<HTMLButtonElement>('extend').disabled = market.status === 'ended' || market.remainingMs === null;
}

function traderRow(trader: TraderActivity): HTMLTableRowElement {
  const row = document.createElement('tr');
  const cells = [
    trader.team,
    trader.name,
    trader.paths.join(', ') || '—',
    String(trader.actionsLastMinute),
    String(trader.rejections),
    String(trader.rateLimited),
  ];
  for (const text of cells) row.insertCell().textContent = text;
  const action = row.insertCell();
  if (trader.removed) {
    action.textContent = 'removed';
    return row;
  }
  const revoke = document.createElement('button');
  revoke.type = 'button';
  revoke.className = 'revoke';
  revoke.textContent = 'Revoke';
  revoke.addEventListener('click', () => {
    if (!confirm(`Remove ${trader.team}/${trader.name} from the game? Its token stops working at once.`)) return;
    const path = `${API_PATHS.traders}/${encodeURIComponent(trader.team)}/${encodeURIComponent(trader.name)}`;
    void api('DELETE', path).then(async (answer) => {
      if (!answer.ok) status.textContent = messageOf(answer);
      await refresh();
    });
  });
  action.append(revoke);
  return row;
}

async function refresh(): Promise<void> {
  const [market, traders, sources] = await Promise.all([
    api('GET', API_PATHS.market),
    api('GET', API_PATHS.traders),
    api('GET', API_PATHS.gibbSources),
  ]);
  const game = marketViewSchema.safeParse(market.body);
  if (game.success) showGame(game.data);
  if (traders.status === 401) {
    status.textContent = messageOf(traders);
    signOut();
    return;
  }
  const list = traderListSchema.safeParse(traders.body);
  if (list.success) $('traders').replaceChildren(...list.data.traders.map(traderRow));
  const view = gibbSourcesViewSchema.safeParse(sources.body);
  if (view.success) {
    $('sources').replaceChildren(
      ...view.data.sources.map((source) => {
        const item = document.createElement('li');
        item.textContent = `${source.name}: ${source.state}${source.live ? ' (live)' : ''} — ${source.published} published${source.lastError ? `; ${source.lastError}` : ''}`;
        return item;
      }),
    );
  }
}

async function showRoom(): Promise<void> {
  const answer = await api('GET', API_PATHS.room);
  const room = roomViewSchema.safeParse(answer.body);
  if (!room.success) return;
  const [join] = room.data.join;
  for (const [id, url] of [
    ['join', join],
    ['gibber', room.data.gibber],
  ] as const) {
    const link = $<HTMLAnchorElement>(`${id}-url`);
    link.href = url;
    link.textContent = url;
    await QRCode.toCanvas($<HTMLCanvasElement>(`${id}-qr`), url, { width: 220, margin: 2 });
  }
}

function signOut(): void {
  token = '';
  sessionStorage.removeItem(TOKEN_KEY);
  if (refresher !== undefined) clearInterval(refresher);
  refresher = undefined;
}

async function signIn(candidate: string): Promise<void> {
  token = candidate;
  status.textContent = '';
  const check = await api('GET', API_PATHS.traders);
  if (!check.ok) {
    status.textContent = messageOf(check);
    signOut();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  await Promise.all([showRoom(), refresh(), showPriceAlerts()]);
  refresher ??= setInterval(() => void refresh(), REFRESH_MS);
}

/** The ticker's price alerts switch as the server has it (off at every start of the server). */
async function showPriceAlerts(): Promise<void> {
  const answer = priceAlertsSwitchSchema.safeParse((await api('GET', API_PATHS.coachPriceAlerts)).body);
  if (answer.success) $<HTMLInputElement>('price-alerts').checked = answer.data.on;
}

$<HTMLFormElement>('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn($<HTMLInputElement>('admin-token').value.trim());
});
for (const [id, path] of [
  ['start', API_PATHS.start],
  ['pause', API_PATHS.pause],
  ['resume', API_PATHS.resume],
  ['end', API_PATHS.end],
] as const) {
  $(id).addEventListener('click', () => void command(path));
}
$<HTMLInputElement>('price-alerts').addEventListener('change', async (event) => {
  // On a server without Kafka the answer says why (409) and the box goes back to what the server has.
  await command(API_PATHS.coachPriceAlerts, { on: (event.target as HTMLInputElement).checked });
  await showPriceAlerts();
});
$('extend').addEventListener('click', () => void command(API_PATHS.extend, { minutes: Number($<HTMLInputElement>('extend-minutes').value) }));
const resetConfirm = $<HTMLInputElement>('reset-confirm');
const reset = $<HTMLButtonElement>('reset');
resetConfirm.addEventListener('input', () => {
  reset.disabled = resetConfirm.value !== RESET_WORD;
});
reset.addEventListener('click', () => {
  if (resetConfirm.value !== RESET_WORD) return;
  resetConfirm.value = '';
  reset.disabled = true;
  void command(API_PATHS.reset);
});

if (token !== '') void signIn(token);
