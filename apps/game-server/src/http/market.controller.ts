import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { leaderboardSchema, marketViewSchema, type LeaderboardView, type MarketView } from '@banana-market/protocol';
import { GameService } from '../game/game.service.js';

@ApiTags('market')
@Controller('api')
export class MarketController {
  constructor(private readonly game: GameService) {}

  @Get('market')
  @ApiOkResponse({ description: 'The current price, forecast, hype, time, tick and game status', standardSchema: marketViewSchema })
  market(): MarketView {
    return this.game.market();
  }

  @Get('leaderboard')
  @ApiOkResponse({ description: 'Traders and teams, best score first', standardSchema: leaderboardSchema })
  leaderboard(): LeaderboardView {
    const board = this.game.leaderboard();
    return { traders: board.traders.map((t) => ({ ...t })), teams: board.teams.map((t) => ({ ...t })) };
  }
}
