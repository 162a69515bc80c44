/**
 * A game server on the embedded bus or on a real broker for one describe
 * block: started before its tests, closed with its bus after them. On a
 * machine without a broker the environment is undefined and the tests skip
 * with the message busEnvironment printed (CI fails instead).
 */
import type { LoggerService } from '@nestjs/common';
import { afterAll, beforeAll } from 'vitest';
import type { BusKind } from '../../src/bus/message-bus.js';
import { busEnvironment, type BusEnvironment } from './buses.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface GameOnBus {
  readonly env: BusEnvironment;
  readonly server: TestServer;
}

/** Registers the hooks; `started` hands the running game to the describe block's own variables. */
export function useGameOnBus(kind: BusKind, serverEnv: Record<string, string>, started: (game: GameOnBus) => void, logger?: LoggerService): void {
  let game: GameOnBus | undefined;
  let env: BusEnvironment | undefined;
  beforeAll(async () => {
    env = await busEnvironment(kind);
    if (env === undefined) return;
    game = { env, server: await startTestServer({ bus: await env.createBus(), env: serverEnv, logger }) };
    started(game);
  }, 180_000);
  afterAll(async () => {
    await game?.server.close();
    await env?.client.close();
    await env?.stop();
  }, 60_000);
}
