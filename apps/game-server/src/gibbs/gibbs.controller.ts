/**
 * POST /api/gibbs — the room's gibber (and any tool) posts a gibb; limited per
 * client so one phone cannot drown the room. The admin token is not limited
 * and may post even when the gibber is closed. GET /api/gibbs/sources — which
 * sources are live, for the coach.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Body, Controller, Ip, ForbiddenException, Get, Headers, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { gibbSchema, gibbSourcesViewSchema, postGibbBodySchema, type Gibb, type GibbSourcesView, type PostGibbBody } from '@banana-market/protocol';
import type { Clock } from '@banana-market/engine';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { GAME_CLOCK } from '../game/tokens.js';
import { carriesAdminToken } from '../http/auth.guards.js';
import { GibbPublisher } from './gibb-publisher.service.js';
import { GibbSourcesService } from './gibb-sources.service.js';

@ApiTags('gibbs')
@Controller('api/gibbs')
export class GibbsController {
  constructor(
    private readonly publisher: GibbPublisher,
    private readonly sources: GibbSourcesService,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(202)
  @UseGuards(ThrottlerGuard)
  @ApiAcceptedResponse({ description: 'The gibb as published on gibber-gibbs', standardSchema: gibbSchema })
  @ApiTooManyRequestsResponse({ description: 'This client posted too many gibbs lately; Retry-After says when to try again' })
  async post(
    @Body({ schema: postGibbBodySchema }) body: PostGibbBody,
    @Ip() ip: string,
    @Headers('authorization') authorization?: string,
  ): Promise<Gibb> {
    const gibber = this.sources.gibber;
    const coach = carriesAdminToken(authorization, this.config.adminToken);
    if (!gibber.open && !coach) {
      throw new ForbiddenException('the gibber is closed: the coach left it out of GIBB_SOURCES');
    }
    // A participant's gibbs carry their client as author (see gibbAuthor), so the engine counts at most a few of
    // theirs per window whatever the page's rate limit lets through; the coach's are not limited.
    const id = coach ? randomUUID() : `gibber:${createHash('sha256').update(ip).digest('hex').slice(0, 12)}:${randomUUID()}`;
    const gibb: Gibb = { id, time: new Date(this.clock.now()).toISOString(), text: body.text };
    const outcome = await this.publisher.publish(gibb, gibber.counters);
    if (!outcome.published) throw new Error(`a fresh gibb was refused: ${outcome.reason}`);
    return outcome.gibb;
  }

  @Get('sources')
  @ApiOkResponse({ description: 'Each configured source of gibbs and whether it is delivering', standardSchema: gibbSourcesViewSchema })
  listSources(): GibbSourcesView {
    return this.sources.view();
  }
}
