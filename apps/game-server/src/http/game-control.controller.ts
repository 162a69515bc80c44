import { Body, ConflictException, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { extendGameBodySchema, resetGameBodySchema, type ExtendGameBody, type GameStatus } from '@banana-market/protocol';
import { GameService } from '../game/game.service.js';
import { AdminTokenGuard } from './auth.guards.js';

/** What pause and resume answer once the game has ended: only a reset starts a game again. */
export const GAME_ENDED_CONFLICT = 'the game has ended; POST /api/game/reset starts a new one';
/** What start answers out of the lobby. */
export const GAME_STARTED_CONFLICT = 'the game has already started (GAME_START=manual keeps a new game in the lobby until POST /api/game/start)';
/** What extend answers for a game without a length. */
export const NO_END_CONFLICT = 'the game has no end to extend: start the server with GAME_DURATION (e.g. 90m)';

interface GameControlResult {
  status: GameStatus;
  seed: string;
  endsAt: string | null;
  remainingMs: number | null;
}

@ApiTags('coach')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No admin token, or a wrong one' })
@UseGuards(AdminTokenGuard)
@Controller('api/game')
export class GameControlController {
  constructor(private readonly game: GameService) {}

  @Post('start')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The game starts out of the lobby (GAME_START=manual): ticks begin, actions are taken, its length counts from now' })
  @ApiConflictResponse({ description: 'The game is not in the lobby (it has started, or ended)' })
  start(): GameControlResult {
    this.refuseIfEnded();
    if (this.game.status !== 'lobby') throw new ConflictException(GAME_STARTED_CONFLICT);
    this.game.start();
    return this.result();
  }

  @Post('extend')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The game ends `minutes` later (in the lobby: it will last that much longer); `{"minutes":10}`' })
  @ApiBadRequestResponse({ description: 'No minutes, or not a positive number up to 1440' })
  @ApiConflictResponse({ description: 'The game has ended, or has no end (no GAME_DURATION)' })
  extend(@Body({ schema: extendGameBodySchema }) body: ExtendGameBody): GameControlResult {
    this.refuseIfEnded();
    if (this.game.market().remainingMs === null) throw new ConflictException(NO_END_CONFLICT);
    this.game.extend(body.minutes);
    return this.result();
  }

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
    const { endsAt, remainingMs } = this.game.market();
    return { status: this.game.status, seed: this.game.seed, endsAt, remainingMs };
  }
}
