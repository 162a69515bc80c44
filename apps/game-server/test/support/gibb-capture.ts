/** What tests of gibb sources watch: the gibbs on `gibber-gibbs`, and the server's log lines. */
import type { LoggerService } from '@nestjs/common';
import { decodeMessage, TOPICS, type Gibb } from '@banana-market/protocol';
import type { MessageBus, Subscription } from '../../src/bus/message-bus.js';

/** Every gibb on the topic, as any consumer would read it. */
export async function captureGibbs(bus: MessageBus): Promise<{ gibbs: Gibb[]; subscription: Subscription }> {
  const gibbs: Gibb[] = [];
  const subscription = await bus.subscribe({
    groupId: `gibb-capture-${Math.random().toString(36).slice(2)}`,
    topics: [TOPICS.gibberGibbs.name],
    fromBeginning: true,
    onMessage: (message) => {
      const gibb = decodeMessage.gibb(message.value);
      if (gibb.ok) gibbs.push(gibb.value);
    },
  });
  return { gibbs, subscription };
}

/** A Nest logger that keeps every line. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, context?: unknown): void {
    this.keep('log', message, context);
  }

  warn(message: unknown, context?: unknown): void {
    this.keep('warn', message, context);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.keep('error', message, rest.at(-1));
  }

  debug(): void {}

  verbose(): void {}

  private keep(level: string, message: unknown, context: unknown): void {
    this.lines.push(`${level} [${String(context ?? '')}] ${typeof message === 'string' ? message : JSON.stringify(message)}`);
  }
}
