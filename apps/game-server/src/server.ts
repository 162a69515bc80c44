/**
 * Builds the game server as users get it: HTTP API with OpenAPI docs,
 * WebSocket gateway, validation and error shapes. `main.ts` and the tests
 * both start it through here, so tests exercise the real thing.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LoggerService, LogLevel } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_LIMITS } from '@banana-market/protocol';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { ActionSubmitter } from './game/action-submitter.service.js';
import { TraderRegistry } from './game/trader-registry.service.js';
import { actionRateGate } from './http/action-rate-gate.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { markNonJsonBodies, ProtocolValidationPipe } from './http/protocol-validation.pipe.js';
import { parseWsFrame } from './live/ws-frame-parser.js';

/** The spectators' page, served at /: the scoreboard's Vite build (`npm run build` makes it). */
export const SCOREBOARD_DIR = fileURLToPath(new URL('../../scoreboard/dist/', import.meta.url));

export interface GameServerOptions extends AppModuleOptions {
  readonly logger?: LogLevel[] | LoggerService | false;
  /** Nest's own SIGINT/SIGTERM handling (default true); main handles them itself to save the game and exit 0. */
  readonly shutdownHooks?: boolean;
}

export async function createGameServer(options: GameServerOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    bodyParser: false,
  });
  // First, before the body is read: a trader over the rate limit costs the server as little as a request can.
  app.use(actionRateGate(app.get(TraderRegistry), app.get(ActionSubmitter)));
  // strict: false: any JSON value is read, so `"BUY"` or `null` is refused as "expected a JSON object" (as on Kafka), not as invalid JSON.
  app.useBodyParser('json', { limit: PROTOCOL_LIMITS.maxMessageBytes, strict: false });
  // A body the JSON parser left unread (text/plain, a form, no content-type) is refused by name, not taken for a missing one.
  app.use(markNonJsonBodies);
  // extensions: /gibber serves gibber.html, the room's page for posting gibbs.
  app.useStaticAssets(SCOREBOARD_DIR, { index: 'index.html', extensions: ['html'] });
  app.useWebSocketAdapter(new WsAdapter(app, { messageParser: parseWsFrame }));
  app.useGlobalPipes(new ProtocolValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Banana Market')
      .setDescription(
        'Trade banana shares, invest in plantations, feed monkeys. Actions take a trader token (POST /api/traders); ' +
          'coach operations take the admin token. Live data and actions also over WebSocket at /ws. ' +
          'The Kafka topics: [/api/asyncapi.json](/api/asyncapi.json) (AsyncAPI 3). Metrics for Prometheus: [/metrics](/metrics).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  return app;
}
