/**
 * Makes the bus sign the server's records and refuse the ones it did not
 * write (RecordAuthentication, on a bus others can write to: Kafka), and
 * reports each refused record: a dead letter (its bytes, where it was, why,
 * with a warning) and the count on /api/health — a forgery is the coach's business.
 * The key is derived from the game's server secret, so every server of the
 * game signs alike and believes the others.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServerRecordSignature } from '@banana-market/kafka';
import { MESSAGE_BUS, type BusMessage, type MessageBus } from '../bus/message-bus.js';
import { RecordAuthentication } from '../bus/record-authentication.js';
import { STATE_CIPHER, type StateCipher } from '../state/state-cipher.js';
import { DeadLetterService } from './dead-letter.service.js';

/** At most this many forgeries become dead letters and warnings per process (a flood of them is counted, not echoed). */
const REPORTED_IN_FULL = 1_000;

export interface ForgedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: string;
}

@Injectable()
export class ForgedRecords {
  private readonly logger = new Logger('ForgedRecords');
  private count = 0;
  private last: ForgedRecord | undefined;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(STATE_CIPHER) key: StateCipher,
    private readonly deadLetters: DeadLetterService,
  ) {
    // In the constructor: before any provider's onModuleInit reads a topic.
    const signature = new ServerRecordSignature(key.derive('record-signature'));
    bus.authenticateRecords?.(new RecordAuthentication(signature, (message, reason) => this.report(message, reason)));
  }

  /** How many records were refused since this server started, and the last one. */
  summary(): { readonly count: number; readonly last?: ForgedRecord } {
    return this.last === undefined ? { count: this.count } : { count: this.count, last: this.last };
  }

  private report(message: BusMessage, reason: string): void {
    this.count++;
    this.last = { topic: message.topic, partition: message.partition, offset: message.offset, reason };
    // The dead letter's own warning names the record and the reason.
    if (this.count <= REPORTED_IN_FULL) this.deadLetters.record(message, `forged record refused: ${reason}`);
    else if (this.count === REPORTED_IN_FULL + 1)
      this.logger.warn(`more than ${REPORTED_IN_FULL} forged records: counted on /api/health from now on`);
  }
}
