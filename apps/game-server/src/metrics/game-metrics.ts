/**
 * What an operator scrapes at GET /metrics (Prometheus text): actions by path
 * and answer, the gateways' order → result latency, the WebSocket clients,
 * how late the market's ticks are handed to the bus, and on Kafka the lag of
 * the tasks this server owns — beside prom-client's process metrics. One
 * registry per server (not prom-client's global one): a process that hosts
 * several servers, as the tests do, keeps each one's figures apart.
 */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RATE_LIMITED, type TxnResult } from '@banana-market/protocol';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';

/** Where an action came in: a gateway of this server, or a Kafka client (an order no server's gateway wrote). */
export type ActionPath = 'http' | 'websocket' | 'kafka';

/** An answer's label: its status, RATE_LIMITED set apart from the other refusals. */
export function answerLabel(result: Pick<TxnResult, 'status' | 'reason'>): string {
  return result.status === 'REJECTED' && result.reason?.startsWith(`${RATE_LIMITED}:`) ? RATE_LIMITED : result.status;
}

@Injectable()
export class GameMetrics implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly actions: Counter<'path' | 'status'>;
  private readonly latency: Histogram<'path'>;
  private readonly clients: Gauge;
  private readonly ticks: Histogram;

  constructor(@Inject(MESSAGE_BUS) bus: MessageBus) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'banana_' });
    this.actions = new Counter({
      name: 'banana_actions_total',
      help: 'Actions answered, by path (http, websocket: this server gateways; kafka: orders from Kafka clients) and status',
      labelNames: ['path', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'banana_action_latency_seconds',
      help: "Order to result, as this server's gateways see it (HTTP request or WebSocket frame to its answer)",
      labelNames: ['path'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.clients = new Gauge({ name: 'banana_websocket_clients', help: 'WebSocket clients connected to this server', registers });
    this.ticks = new Histogram({
      name: 'banana_tick_seconds',
      help: 'From a market tick falling due to its price being handed to the bus (the market leader only)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    new Gauge({
      name: 'banana_consumer_lag',
      help: "Messages of this server's tasks not yet consumed, per consumer group and partition (Kafka)",
      labelNames: ['group', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const task of await bus.taskStatus()) {
          if (task.lag !== null) this.set({ group: task.groupId, partition: String(task.partition) }, task.lag);
        }
      },
    });
  }

  /**
   * prom-client's GC metric observes every GC of the process for good (its PerformanceObserver is never
   * disconnected) and holds this registry: emptied, the registry no longer holds the lag gauge, whose
   * collect holds the bus — a stopped server's bus, with every message it kept, stayed in the heap.
   */
  onApplicationShutdown(): void {
    this.registry.clear();
  }

  /** An action answered (`seconds`: how long the answer took, for a gateway's). */
  answered(path: ActionPath, status: string, seconds?: number): void {
    this.actions.inc({ path, status });
    if (seconds !== undefined) this.latency.observe({ path }, seconds);
  }

  clientConnected(): void {
    this.clients.inc();
  }

  clientDisconnected(): void {
    this.clients.dec();
  }

  tickHandedOver(lateSeconds: number): void {
    this.ticks.observe(Math.max(0, lateSeconds));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
