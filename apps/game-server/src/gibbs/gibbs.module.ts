import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Clock } from '@banana-market/engine';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { GAME_CLOCK } from '../game/tokens.js';
import { carriesAdminToken } from '../http/auth.guards.js';
import { GibbPublisher } from './gibb-publisher.service.js';
import { GibbSourcesService } from './gibb-sources.service.js';
import { GibbsController } from './gibbs.controller.js';
import { ClockThrottlerStorage } from './gibber/clock-throttler-storage.js';

export const GIBBER_THROTTLER = 'gibber';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [SERVER_CONFIG, GAME_CLOCK],
      useFactory: (config: ServerConfig, clock: Clock) => ({
        throttlers: [{ name: GIBBER_THROTTLER, limit: config.gibbSources.gibber.perClientLimit, ttl: config.gibbSources.gibber.windowMs }],
        storage: new ClockThrottlerStorage(clock),
        skipIf: (context) =>
          carriesAdminToken(
            context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization,
            config.adminToken,
          ),
        errorMessage: (_context, limit) =>
          `too many gibbs: at most ${limit.limit} every ${Math.round(limit.ttl / 1000)} s from one device; try again in ${limit.timeToBlockExpire} s`,
      }),
    }),
  ],
  controllers: [GibbsController],
  providers: [GibbPublisher, GibbSourcesService],
  exports: [GibbPublisher, GibbSourcesService],
})
export class GibbsModule {}
