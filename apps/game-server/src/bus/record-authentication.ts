/**
 * Which records the server believes, on a broker anyone in the room can write
 * to: every record the server writes carries its signature (SERVER_SIGNATURE_HEADER,
 * keyed by the game's server secret, which every server of the game shares);
 * on a topic only the server writes — its changelogs, registrations, states,
 * answers — a record without it is a forgery: never restored, never shown,
 * and reported (the dead letters, /api/health). On the action topics, which
 * players write, it tells the server's own orders (its gateways', its house
 * bots') from the players' (see signed orders).
 */
import { SERVER_SIGNATURE_HEADER, SERVER_WRITTEN_TOPICS } from '@banana-market/protocol';
import type { ServerRecordSignature } from '@banana-market/kafka';
import type { BusMessage } from './message-bus.js';

export type ForgeryListener = (message: BusMessage, reason: string) => void;

export class RecordAuthentication {
  private readonly serverWritten = new Set(SERVER_WRITTEN_TOPICS);

  constructor(
    private readonly signature: ServerRecordSignature,
    private readonly onForged: ForgeryListener,
  ) {}

  /** The headers of a record the server writes. */
  headersFor(topic: string, key: Buffer | null, value: Buffer | null): Record<string, Buffer> {
    return { [SERVER_SIGNATURE_HEADER]: this.signature.sign(topic, key, value) };
  }

  /** The message as the server may believe it, or undefined (reported) when it is a forgery. */
  admit(message: BusMessage): BusMessage | undefined {
    const header = message.headers?.get(SERVER_SIGNATURE_HEADER);
    const signed = header !== undefined && this.signature.verify(message.topic, message.key, message.value, header);
    if (this.serverWritten.has(message.topic)) {
      if (signed) return message;
      this.onForged(message, `not written by this game's server (${header === undefined ? 'no' : 'a wrong'} ${SERVER_SIGNATURE_HEADER} header)`);
      return undefined;
    }
    return signed ? { ...message, serverSigned: true } : message;
  }
}
