/**
 * The coach's teams for registration with join codes (REGISTRATION=codes):
 * creating them hands out one code per team; the list shows them again (the
 * printable page /coach/teams reads it). Codes are derived, never stored.
 */
import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { createTeamsBodySchema, teamListSchema, type CreateTeamsBody, type TeamList } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { JOIN_CODES, type JoinCodes } from '../game/join-codes.js';
import { TraderRegistry } from '../game/trader-registry.service.js';
import { AdminTokenGuard } from './auth.guards.js';

@ApiTags('coach')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No admin token, or a wrong one' })
@UseGuards(AdminTokenGuard)
@Controller('api/teams')
export class TeamsController {
  constructor(
    private readonly registry: TraderRegistry,
    @Inject(JOIN_CODES) private readonly joinCodes: JoinCodes,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  /** Creates the teams not yet known (idempotent: a known team keeps its code) and lists every team with its code. */
  @Post()
  @HttpCode(200)
  @ApiOkResponse({ description: 'Every team with its join code', standardSchema: teamListSchema })
  async create(@Body({ schema: createTeamsBodySchema }) body: CreateTeamsBody): Promise<TeamList> {
    await this.registry.createTeams(body.teams);
    return this.list();
  }

  @Get()
  @ApiOkResponse({ description: 'Every team with its join code and how many traders joined it', standardSchema: teamListSchema })
  list(): TeamList {
    const joined = new Map<string, number>();
    for (const { trader, removed } of this.registry.traders()) if (!removed) joined.set(trader.team, (joined.get(trader.team) ?? 0) + 1);
    return {
      registration: this.config.registration,
      teams: this.registry.teams().map((team) => ({ team, code: this.joinCodes.codeFor(team), traders: joined.get(team) ?? 0 })),
    };
  }
}
