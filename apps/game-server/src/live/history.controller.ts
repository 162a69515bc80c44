import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { recentHistorySchema, type RecentHistory } from '@banana-market/protocol';
import { LiveGateway } from './live.gateway.js';

/** GET /api/history: the live feed's recent past, as the WebSocket `welcome` carries it. Public, like the feed. */
@ApiTags('market')
@Controller('api')
export class HistoryController {
  constructor(private readonly live: LiveGateway) {}

  @Get('history')
  @ApiOkResponse({
    description: 'The last 5 minutes of price frames, the last 20 gibbs and the recent game events',
    standardSchema: recentHistorySchema,
  })
  history(): RecentHistory {
    return this.live.history.snapshot();
  }
}
