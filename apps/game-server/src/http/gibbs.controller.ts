import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { encode, gibbSchema, postGibbBodySchema, SINGLE_STREAM_KEY, TOPICS, type Gibb, type PostGibbBody } from '@banana-market/sdk';
import type { Clock } from '@banana-market/engine';
import { MESSAGE_BUS, type MessageBus } from '../bus/message-bus.js';
import { GAME_CLOCK } from '../game/tokens.js';

@ApiTags('gibbs')
@Controller('api/gibbs')
export class GibbsController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The gibb as published on gibber-gibbs', standardSchema: gibbSchema })
  async post(@Body({ schema: postGibbBodySchema }) body: PostGibbBody): Promise<Gibb> {
    const gibb: Gibb = { id: randomUUID(), time: new Date(this.clock.now()).toISOString(), text: body.text };
    await this.bus.publish(TOPICS.gibberGibbs.name, [
      { key: encode.singleStreamKey(SINGLE_STREAM_KEY), value: encode.gibb(gibb) },
    ]);
    return gibb;
  }
}
