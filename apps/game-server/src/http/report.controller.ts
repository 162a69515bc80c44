import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { gameReportSchema, type GameReport } from '@banana-market/protocol';
import { ReportService } from '../report/report.service.js';

/** GET /api/report: the current game told from its topics (the /report page charts it). Public, like the standings. */
@ApiTags('market')
@Controller('api')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('report')
  @ApiOkResponse({
    description:
      'Prices with hype, bursts and bailouts on a timeline, team scores minute by minute, and a line per trader (actions, refusals by reason, best and worst minute)',
    standardSchema: gameReportSchema,
  })
  report(): Promise<GameReport> {
    return this.reports.report();
  }
}
