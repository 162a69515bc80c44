/**
 * Consumes the three action topics as a member of the action group: task p
 * is partition p of each, and the traders whose orders land there. Whatever
 * arrives — from the server's own HTTP/WebSocket gateways, a house bot or any
 * Kafka client — goes through this one path. What cannot be parsed lands on
 * the dead-letter topic, and is answered on txn-rejections: under the
 * order's key bytes when the key names a trader, else under the raw key bytes
 * with the key shape expected. An order's answers keep its key bytes.
 *
 * A trader's home is the partition of its compact key; an order written under
 * another spelling of the key (or to another partition) is forwarded to its
 * home task through action-repartition, in the same transaction that
 * consumes it — Kafka Streams' repartitioning — so one trader's state lives
 * in exactly one task, and whoever reads the action topics sees each order once.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ACTION_GROUP,
  ACTIONS,
  ACTION_TOPICS,
  decodeMarketControl,
  PROTOCOL_LIMITS,
  TOPICS,
  TRADER_KEY_SHAPE,
  type RepartitionedOrder,
} from '@banana-market/protocol';
import type { Clock, EngineEvent } from '@banana-market/engine';
import { MESSAGE_BUS, type BusMessage, type MessageBus, type TaskContext } from '../bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { decodeActionMessage } from './action-decoder.js';
import { DeadLetterService } from './dead-letter.service.js';
import { GameService } from './game.service.js';
import { SignedOrders } from './signed-orders.js';
import { answerLabel, GameMetrics } from '../metrics/game-metrics.js';
import { GAME_CLOCK } from './tokens.js';
import { TaskIntake } from './topic-intake.js';
import { TraderRegistry } from './trader-registry.service.js';

@Injectable()
export class ActionIntakeService extends TaskIntake {
  private readonly logger = new Logger('ActionIntake');
  /** KAFKA_ORDERS=signed on Kafka: players' orders count only signed (the embedded bus has no players' writes). */
  private readonly signedOrders: SignedOrders | undefined;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    private readonly game: GameService,
    private readonly deadLetters: DeadLetterService,
    registry: TraderRegistry,
    @Inject(SERVER_CONFIG) config: ServerConfig,
    @Inject(GAME_CLOCK) clock: Clock,
    private readonly metrics: GameMetrics,
  ) {
    // The tasks' state store changelog and their plantation loads: restored from (each written latest per key at commit, publishAtCommit).
    const changelogs = [TOPICS.taskChangelog.name, TOPICS.plantationLoads.name];
    const answers = [TOPICS.txnResults, TOPICS.txnRejections, TOPICS.traderStates, TOPICS.gameEvents, TOPICS.actionRepartition].map((t) => t.name);
    super(
      bus,
      ACTION_GROUP,
      [...ACTION_TOPICS.map((t) => t.name), TOPICS.actionRepartition.name],
      { writes: [...answers, ...changelogs], restoreFrom: changelogs },
      game,
    );
    this.signedOrders = config.kafkaOrders === 'signed' && bus.kind === 'kafka' ? new SignedOrders(registry, clock) : undefined;
  }

  protected assigned(tasks: readonly TaskContext[]): Promise<void> {
    return this.game.assignTasks(tasks);
  }

  protected revoked(partitions: readonly number[]): void {
    this.game.revokeTasks(partitions);
  }

  handle(received: BusMessage, task: TaskContext): void {
    const forwarded = received.topic === TOPICS.actionRepartition.name;
    const message = forwarded ? this.unwrap(received) : received;
    if (message === undefined) return;
    const decoded = decodeActionMessage(message.topic, message.key, message.value);
    // Checked where it was read, before it is forwarded: a forwarded order is one that counts.
    if (decoded.ok && !forwarded && this.signedOrders !== undefined) {
      const refusal = this.signedOrders.refusal(message, decoded.trader, decoded.action.order.time);
      if (refusal !== undefined) {
        const { txnId } = decoded.action.order;
        this.game.rejectAction(task.partition, decoded.trader, ACTIONS[decoded.action.kind].txnType, txnId, refusal.reason, {
          keyBytes: message.key,
          field: refusal.field,
        });
        this.metrics.answered('kafka', 'REJECTED');
        return;
      }
    }
    if (decoded.trader !== undefined) {
      const home = this.game.homeTask(decoded.trader);
      if (home !== task.partition) {
        const order: RepartitionedOrder = { topic: message.topic, keyBase64: base64(message.key), valueBase64: base64(message.value) };
        this.game.forward(task.partition, TOPICS.actionRepartition.name, { key: message.key, value: JSON.stringify(order), partition: home });
        return;
      }
    }
    if (decoded.ok) {
      const events = this.game.executeAction(task.partition, decoded.trader, decoded.action, message.key, message.timestamp);
      if (this.fromKafkaClient(message)) this.countKafkaAnswer(events);
      return;
    }
    if (this.fromKafkaClient(message)) this.metrics.answered('kafka', 'REJECTED');
    this.deadLetters.record(message, decoded.reason);
    if (decoded.trader !== undefined) {
      this.game.rejectAction(task.partition, decoded.trader, decoded.txnType, decoded.txnId, decoded.reason, {
        keyBytes: message.key,
        field: decoded.field,
      });
      return;
    }
    this.logger.warn(`unreadable key on ${message.topic}/${message.partition}@${message.offset}: ${decoded.reason}`);
    // A key too large to parse is too large to answer under (the dead letter keeps its start).
    if ((message.key?.byteLength ?? 0) > PROTOCOL_LIMITS.maxMessageBytes) return;
    this.game.rejectUnkeyed(task.partition, message.key, {
      txnId: decoded.txnId,
      type: decoded.txnType,
      status: 'REJECTED',
      reason: `${decoded.reason}; the key of an order is the trader as JSON, ${TRADER_KEY_SHAPE}`,
      field: decoded.field,
    });
  }

  /** Whether a Kafka client wrote it (not a gateway or house bot of any server of the game, which count it themselves). */
  private fromKafkaClient(message: BusMessage): boolean {
    return this.bus.kind === 'kafka' && message.serverSigned !== true;
  }

  private countKafkaAnswer(events: readonly EngineEvent[]): void {
    for (const event of events) if (event.kind === 'txn-result') this.metrics.answered('kafka', answerLabel(event.result));
  }

  /** An order another task forwarded here: the message as it was written (a malformed envelope is a dead letter). */
  private unwrap(message: BusMessage): BusMessage | undefined {
    const order = decodeMarketControl.repartitionedOrder(message.value);
    if (!order.ok) {
      this.deadLetters.record(message, order.error.message);
      return undefined;
    }
    const { topic, keyBase64, valueBase64 } = order.value;
    return { ...message, topic, key: fromBase64(keyBase64), value: fromBase64(valueBase64) };
  }
}

const base64 = (bytes: Buffer | null): string | null => (bytes === null ? null : bytes.toString('base64'));
const fromBase64 = (text: string | null): Buffer | null => (text === null ? null : Buffer.from(text, 'base64'));
