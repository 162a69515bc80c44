/**
 * What a piece of the game hosted on this server (a task, the market) needs
 * from it: where to read and write, the key the game's records are sealed
 * with, the clock and rules, the plantation loads of the whole game, and
 * where its events go once handed to the bus, and once committed.
 */
import type { Clock, EngineEvent, GameRules } from '@banana-market/engine';
import type { MessageBus } from '../bus/message-bus.js';
import type { StateCipher } from '../state/state-cipher.js';
import type { PlantationLoads } from './plantation-loads.js';

export interface GameHost {
  readonly bus: MessageBus;
  readonly cipher: StateCipher;
  readonly clock: Clock;
  readonly rules: GameRules;
  /** The seed of a game with nothing stored (a task's is replaced by the leader's record). */
  readonly seed: string;
  /** GAME_DURATION and GAME_START=manual, for a new game's market (a task's come with the leader's record). */
  readonly durationMs: number | undefined;
  readonly lobby: boolean;
  readonly loads: PlantationLoads;
  /** Every event, after it is handed to the bus. */
  readonly onEvents: (events: readonly EngineEvent[]) => void;
  /** A task's events once committed (Kafka: their transaction): its answers are final, a gateway may give them out. */
  readonly onCommitted: (events: readonly EngineEvent[]) => void;
}
