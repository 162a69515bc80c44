import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { exercisesReportSchema, MORNING_LIMITS, morningBoardSchema, type ExercisesReport, type MorningBoard } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { MorningBoardService } from '../morning/morning-board.js';
import { forbidden } from './protocol-validation.pipe.js';

/**
 * The morning's progress board: POST /api/morning/reports takes a
 * participant's chapter table (no token: the morning has no traders yet),
 * GET /api/morning gives the room's grid (the /coach/morning page polls it).
 * EXERCISES_REPORTS=off turns both off.
 */
@ApiTags('coach')
@Controller('api/morning')
export class MorningController {
  constructor(
    private readonly board: MorningBoardService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  @Post('reports')
  @HttpCode(202)
  report(@Body({ schema: exercisesReportSchema }) body: ExercisesReport): { participant: string; participants: number } {
    this.requireOn();
    if (this.board.report(body) === 'board-full') {
      throw forbidden([
        {
          field: 'participant',
          expected: `expected one of the ${MORNING_LIMITS.participants} participants already on the board (it is full), got "${body.participant}"`,
        },
      ]);
    }
    return { participant: body.participant, participants: this.board.size };
  }

  @Get()
  @ApiOkResponse({
    description: "The room's grid: participants × chapters, and the chapter the room is stuck on most",
    standardSchema: morningBoardSchema,
  })
  view(): MorningBoard {
    this.requireOn();
    return this.board.view();
  }

  private requireOn(): void {
    if (!this.config.exercisesReports) {
      throw forbidden([{ field: 'EXERCISES_REPORTS', expected: 'the morning reports are off on this server (EXERCISES_REPORTS=off)' }]);
    }
  }
}
