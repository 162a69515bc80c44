import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { GameService } from '../game/game.service.js';

@ApiTags('game')
@Controller('api/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly game: GameService,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status":"ok","bus":"embedded"|"kafka", ...}` when the game loop is alive' })
  async check(): Promise<Record<string, unknown>> {
    const result = await this.health.check([() => this.indicators.check('game').up({ game: this.game.status, tick: this.game.market().tick })]);
    return { ...result, bus: this.bus.kind };
  }
}
