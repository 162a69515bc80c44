import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ACTION_GROUP } from '@banana-market/protocol';
import { busHealth, MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { ForgedRecords, type ForgedRecord } from '../game/forged-records.service.js';
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
    private readonly forged: ForgedRecords,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOkResponse({
    description:
      '`{"status":"ok","bus":"embedded"|"kafka","marketLeader":true|false,"tasks":[{"partition":3,"lag":0}], ...}`: ' +
      'whether this server leads the market, the tasks (partitions of the action topics) it owns with their consumer lag, and ' +
      '`forgedRecords` `{"count":2,"last":{"topic":"trader-states","partition":3,"offset":"17","reason":"not written by this game\'s server …"}}`: ' +
      'records on a topic only the server writes that it did not sign (on Kafka), refused and kept as dead letters',
  })
  @ApiServiceUnavailableResponse({
    description:
      '`{"status":"degraded","reason":"Kafka broker unreachable at … since …: …","bus":"kafka", ...}` while the server cannot reach ' +
      'its broker: the game is frozen and actions are refused (503, code BROKER_UNAVAILABLE) until the broker returns',
  })
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<Record<string, unknown>> {
    const game = () => this.indicators.check('game').up({ game: this.game.status, tick: this.game.market().tick });
    const bus = busHealth(this.bus);
    const work = await this.work();
    if (bus.status === 'ok') {
      const result = await this.health.check([game]);
      return { ...result, bus: this.bus.kind, ...work };
    }
    // Not ready (monitoring reads the 503), and why: terminus' shape, with the broker as the failing check.
    response.status(503);
    const info = await game();
    const error = { broker: { status: 'down', reason: bus.reason } };
    return { status: 'degraded', reason: bus.reason, bus: this.bus.kind, ...work, info, error, details: { ...info, ...error } };
  }

  /** What this server does in the game: whether it leads the market, and its tasks with their lag. */
  private async work(): Promise<{
    marketLeader: boolean;
    tasks: { partition: number; lag: number | null }[];
    forgedRecords: { count: number; last?: ForgedRecord };
  }> {
    const owned = (await this.bus.taskStatus()).filter((t) => t.groupId === ACTION_GROUP);
    return {
      marketLeader: this.game.leading,
      tasks: owned.map(({ partition, lag }) => ({ partition, lag })).sort((a, b) => a.partition - b.partition),
      forgedRecords: this.forged.summary(),
    };
  }
}
