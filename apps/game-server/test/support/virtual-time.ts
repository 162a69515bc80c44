/** Drives a test server through virtual time, letting the asynchronous bus settle after every tick. */
import type { VirtualClock } from '@banana-market/engine';
import type { EmbeddedBus } from '../../src/bus/embedded-bus.js';
import type { TestServer } from './test-server.js';

export async function settle(server: TestServer): Promise<void> {
  const bus = server.bus as EmbeddedBus;
  for (let i = 0; i < 3; i++) {
    await bus.whenIdle();
    await server.game.flushed();
    // Let promise callbacks (a house bot clearing its busy flag) run before time moves on.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function runTicks(
  server: TestServer,
  clock: VirtualClock,
  ticks: number,
  eachTick?: (tick: number) => Promise<void> | void,
): Promise<void> {
  for (let tick = 1; tick <= ticks; tick++) {
    clock.advance(server.config.rules.tickMs);
    await settle(server);
    if (eachTick) {
      await eachTick(tick);
      await settle(server);
    }
  }
}
