import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { GameMetrics } from '../metrics/game-metrics.js';

interface TextResponse {
  type(contentType: string): unknown;
}

/** GET /metrics: this server's metrics for Prometheus (public, like /api/health). */
@ApiTags('game')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GameMetrics) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description:
      'Prometheus text: banana_actions_total{path,status}, banana_action_latency_seconds{path}, banana_websocket_clients, banana_tick_seconds, banana_consumer_lag{group,partition} (Kafka), and process metrics (banana_process_*, banana_nodejs_*)',
  })
  async scrape(@Res({ passthrough: true }) response: TextResponse): Promise<string> {
    response.type(this.metrics.contentType);
    return this.metrics.text();
  }
}
