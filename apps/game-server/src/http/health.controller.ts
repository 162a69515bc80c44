import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { busHealth, MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { GameService } from '../game/game.service.js';

interface StatusResponse {
  status(code: number): unknown;
}

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
  @ApiServiceUnavailableResponse({
    description:
      '`{"status":"degraded","reason":"Kafka broker unreachable at … since …: …","bus":"kafka", ...}` while the server cannot reach ' +
      'its broker: the game is frozen and actions are refused (503, code BROKER_UNAVAILABLE) until the broker returns',
  })
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<Record<string, unknown>> {
    const game = () => this.indicators.check('game').up({ game: this.game.status, tick: this.game.market().tick });
    const bus = busHealth(this.bus);
    if (bus.status === 'ok') {
      const result = await this.health.check([game]);
      return { ...result, bus: this.bus.kind };
    }
    // Not ready (monitoring reads the 503), and why: terminus' shape, with the broker as the failing check.
    response.status(503);
    const info = await game();
    const error = { broker: { status: 'down', reason: bus.reason } };
    return { status: 'degraded', reason: bus.reason, bus: this.bus.kind, info, error, details: { ...info, ...error } };
  }
}
