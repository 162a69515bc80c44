import { Body, ConflictException, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { resetGameBodySchema, type GameStatus } from '@banana-market/protocol';
import { GameService } from '../game/game.service.js';
import { AdminTokenGuard } from './auth.guards.js';

/** What pause and resume answer once the game has ended: only a reset starts a game again. */
export const GAME_ENDED_CONFLICT = 'the game has ended; POST /api/game/reset starts a new one';

interface GameControlResult {
  status: GameStatus;
  seed: string;
}

@ApiTags('coach')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No admin token, or a wrong one' })
@UseGuards(AdminTokenGuard)
@Controller('api/game')
export class GameControlController {
  constructor(private readonly game: GameService) {}

  @Post('pause')
  @HttpCode(200)
  @ApiOkResponse({ description: 'Ticks stop and actions are rejected until resumed' })
  @ApiConflictResponse({ description: 'The game has ended' })
  pause(): GameControlResult {
    this.refuseIfEnded();
    this.game.pause();
    return this.result();
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The game runs again' })
  @ApiConflictResponse({ description: 'The game has ended' })
  resume(): GameControlResult {
    this.refuseIfEnded();
    this.game.resume();
    return this.result();
  }

  @Post('end')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The game is over: the leaderboard is final' })
  end(): GameControlResult {
    this.game.end();
    return this.result();
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOkResponse({ description: 'A fresh game (a fresh random seed unless one is given); registered traders start over' })
  @ApiBadRequestResponse({ description: 'A body that is not JSON, or with another field than seed' })
  reset(@Body({ schema: resetGameBodySchema }) body: { seed?: string } | undefined): GameControlResult {
    this.game.reset(body?.seed);
    return this.result();
  }

  private refuseIfEnded(): void {
    if (this.game.status === 'ended') throw new ConflictException(GAME_ENDED_CONFLICT);
  }

  private result(): GameControlResult {
    return { status: this.game.status, seed: this.game.seed };
  }
}
