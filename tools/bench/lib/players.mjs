/**
 * HTTP players (httpPlayers): the load client of the HTTP rows (kafka-http-e2e-100) and of the
 * spectators rows' trading load.
 */
import { API_PATHS } from '@banana-market/protocol';
import { RUN, TRADERS } from './limits.mjs';

/** HTTP players: 45 traders registered through POST /api/traders, each order a POST /api/actions/market with its token. */
export async function httpPlayers(url) {
  const tokens = [];
  for (const [i, trader] of TRADERS.entries()) {
    const response = await fetch(`${url}${API_PATHS.traders}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ team: trader.team, name: `h${RUN}-${i}` }),
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`registering a trader: HTTP ${response.status} ${await response.text()}`);
    tokens.push((await response.json()).token);
  }
  let answer = () => undefined;
  const failures = [];
  return {
    failures,
    onAnswer: (fn) => {
      answer = fn;
    },
    /** Each order its own request, not awaited: players do not wait for one another. */
    send: async (batch) => {
      for (const o of batch) {
        const i = Number(o.txnId.slice(o.txnId.lastIndexOf('_') + 1));
        fetch(`${url}${API_PATHS.marketAction}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
          body: JSON.stringify({ type: o.type, shares: 1, txnId: o.txnId }),
          signal: AbortSignal.timeout(30_000),
        }).then(
          async (response) => {
            await response.arrayBuffer();
            if (response.status === 200) answer(o.txnId);
            else failures.push(response.status);
          },
          (err) => failures.push(err.name),
        );
      }
    },
  };
}
