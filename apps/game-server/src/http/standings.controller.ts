/**
 * The game's standings for the coach's records: JSON with the game's times
 * and seed (once revealed), and CSV — one header row, one row per trader —
 * for a spreadsheet. Public, like the leaderboard.
 */
import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import { STANDINGS_CSV_COLUMNS, standingsSchema, type StandingsView } from '@banana-market/protocol';
import { GameService } from '../game/game.service.js';

@ApiTags('market')
@Controller('api')
export class StandingsController {
  constructor(private readonly game: GameService) {}

  @Get('standings')
  @ApiOkResponse({
    description:
      "Teams and traders ranked, house bots flagged (ranked only with HOUSE_IN_STANDINGS), with the game's status, start, end, length and seed (once the end revealed it)",
    standardSchema: standingsSchema,
  })
  standings(): StandingsView {
    return this.game.standings();
  }

  @Get('standings.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="banana-market-standings.csv"')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: `One header row (${STANDINGS_CSV_COLUMNS.join(',')}), then one row per trader, best first` })
  standingsCsv(): string {
    const rows = this.game.standings().traders.map((t) => ({ ...t, rank: t.rank ?? '' }));
    return stringify(rows, { header: true, columns: [...STANDINGS_CSV_COLUMNS] });
  }
}
