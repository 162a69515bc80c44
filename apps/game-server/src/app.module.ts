import { Module, type DynamicModule } from '@nestjs/common';
import { SystemClock, type Clock } from '@banana-market/engine';
import { BusModule } from './bus/bus.module.js';
import type { MessageBus } from './bus/message-bus.js';
import { SERVER_CONFIG, type ServerConfig } from './config/server-config.js';
import { GameModule } from './game/game.module.js';
import { JOIN_CODES, JoinCodes } from './game/join-codes.js';
import { GibbsModule } from './gibbs/gibbs.module.js';
import { X_CONNECTION_OPTIONS, type XConnectionOptions } from './gibbs/x/x-connection-options.js';
import { GAME_CLOCK } from './game/tokens.js';
import { HouseBotsModule } from './house-bots/house-bots.module.js';
import { HttpApiModule } from './http/http-api.module.js';
import { LiveModule } from './live/live.module.js';
import { STATE_CIPHER, StateCipher } from './state/state-cipher.js';

export interface AppModuleOptions {
  readonly config: ServerConfig;
  readonly clock?: Clock;
  readonly bus?: MessageBus;
  /** How the X source reaches X (default: X's documented backoff, Node's HTTPS agent). */
  readonly xConnection?: XConnectionOptions;
  /** Seals the stored game's record (default: a key derived from the admin token; main uses DATA_DIR's state.key). */
  readonly stateCipher?: StateCipher;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [BusModule.forRoot(options.bus), GameModule, GibbsModule, HttpApiModule, LiveModule, HouseBotsModule],
      providers: [
        { provide: SERVER_CONFIG, useValue: options.config },
        { provide: GAME_CLOCK, useValue: options.clock ?? new SystemClock() },
        { provide: X_CONNECTION_OPTIONS, useValue: options.xConnection ?? {} },
        { provide: STATE_CIPHER, useValue: options.stateCipher ?? StateCipher.fromSecret(options.config.adminToken) },
        { provide: JOIN_CODES, useFactory: (key: StateCipher) => new JoinCodes(key), inject: [STATE_CIPHER] },
      ],
      exports: [SERVER_CONFIG, GAME_CLOCK, X_CONNECTION_OPTIONS, STATE_CIPHER, JOIN_CODES],
    };
  }
}
