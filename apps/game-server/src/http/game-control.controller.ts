import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { resetGameBodySchema, type GameStatus } from '@banana-market/protocol';
import { GameService } from '../game/game.service.js';
import { AdminTokenGuard } from './auth.guards.js';

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
  pause(): GameControlResult {
    this.game.pause();
    return this.result();
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The game runs again' })
  resume(): GameControlResult {
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
  reset(@Body({ schema: resetGameBodySchema }) body: { seed?: string } | undefined): GameControlResult {
    this.game.reset(body?.seed);
    return this.result();
  }

  private result(): GameControlResult {
    return { status: this.game.status, seed: this.game.seed };
  }
}
