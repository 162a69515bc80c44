/**
 * The server's console as a coach reads it: Nest's own start-up chatter (the
 * modules initialised, every route mapped, every WebSocket message
 * subscribed) goes to the debug level (LOG_LEVEL=debug shows it), and the
 * game's own log lines wait until the banner — where to join, the QR code,
 * the seed's commitment, the admin token — has been printed, so that it
 * comes first. Warnings and errors are never held.
 */
import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's contexts whose `log` lines describe the framework starting, not the game. */
const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

export class StartupLogger extends ConsoleLogger {
  private held: unknown[][] | undefined = [];

  constructor(debug: boolean) {
    const levels: LogLevel[] = debug ? ['log', 'warn', 'error', 'fatal', 'debug', 'verbose'] : ['log', 'warn', 'error', 'fatal'];
    super('banana-market', { logLevels: levels });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      super.debug(message, ...rest);
      return;
    }
    if (this.held !== undefined) {
      this.held.push([message, ...rest]);
      return;
    }
    super.log(message, ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    // A port in use: main says so in one line of its own, naming the port and what to do.
    if (rest.at(-1) === 'NestApplication' && String(message).includes('EADDRINUSE')) {
      super.debug(message, ...rest);
      return;
    }
    super.error(message, ...rest);
  }

  /** The banner is out: what was held is printed, and nothing more waits. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const [message, ...rest] of held) super.log(message, ...rest);
  }
}
