/**
 * The plantation rule's "coins invested in the game" is the sum over every
 * task (docs/design.md, "Running several servers"). Each task publishes its
 * own load on `plantation-loads` in the transaction that changed it; every
 * server reads the topic, and a task of this server reports its load here
 * directly. A remote task's figure is as old as its last commit plus the
 * watcher's fetch (well under a second), and at most one tick behind on
 * investments leaving the window (a task re-checks them on every tick).
 */
import { decodeMarketControl, plantationLoadKey, TOPICS, type PlantationLoadRecord } from '@banana-market/protocol';
import type { PlantationLoad } from '@banana-market/engine';
import type { BusMessage, OutgoingMessage } from '../bus/message-bus.js';

const NONE: PlantationLoad = Object.freeze({ recentCoins: 0, totalInvested: 0 });

export class PlantationLoads {
  private readonly remote = new Map<number, PlantationLoad>();
  private readonly local = new Map<number, PlantationLoad>();

  /** A record read from plantation-loads (another server's task, or an earlier owner of ours). */
  receive(message: BusMessage): void {
    const record = decodeMarketControl.plantationLoad(message.value);
    if (record.ok) this.remote.set(record.value.task, { recentCoins: record.value.recentCoins, totalInvested: record.value.totalInvested });
  }

  /** A task of this server reports its load (it publishes it too: see message). */
  report(task: number, load: PlantationLoad): void {
    this.local.set(task, load);
  }

  /** A task left this server: its next owner reports it, on the topic. */
  forget(task: number): void {
    this.local.delete(task);
  }

  /** The load of every task but `task`. */
  externalTo(task: number): PlantationLoad {
    return this.sum((t) => t !== task);
  }

  /** The whole game's load. */
  total(): PlantationLoad {
    return this.sum(() => true);
  }

  private sum(include: (task: number) => boolean): PlantationLoad {
    let recentCoins = 0;
    let totalInvested = 0;
    for (const task of new Set([...this.remote.keys(), ...this.local.keys()])) {
      if (!include(task)) continue;
      const load = this.local.get(task) ?? this.remote.get(task) ?? NONE;
      recentCoins += load.recentCoins;
      totalInvested += load.totalInvested;
    }
    return { recentCoins, totalInvested };
  }
}

/** A task's load as the message it publishes on plantation-loads. */
export function plantationLoadMessage(task: number, load: PlantationLoad, now: number): { topic: string; message: OutgoingMessage } {
  const record: PlantationLoadRecord = { task, ...load, time: new Date(now).toISOString() };
  return { topic: TOPICS.plantationLoads.name, message: { key: plantationLoadKey(task), value: JSON.stringify(record) } };
}
