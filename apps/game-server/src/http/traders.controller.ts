import { Body, ConflictException, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { registeredTraderSchema, registerTraderBodySchema, type RegisteredTrader, type TraderKey } from '@banana-market/protocol';
import { GameService } from '../game/game.service.js';
import { TraderAlreadyRegisteredError, TraderRegistry } from '../game/trader-registry.service.js';

@ApiTags('traders')
@Controller('api/traders')
export class TradersController {
  constructor(
    private readonly registry: TraderRegistry,
    private readonly game: GameService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ description: 'The trader and its secret token (keep it: actions need it)', standardSchema: registeredTraderSchema })
  @ApiConflictResponse({ description: 'A trader with this team and name is already registered' })
  async register(@Body({ schema: registerTraderBodySchema }) body: TraderKey): Promise<RegisteredTrader> {
    let token: string;
    try {
      token = await this.registry.register(body);
    } catch (err) {
      if (err instanceof TraderAlreadyRegisteredError) throw new ConflictException(err.message);
      throw err;
    }
    this.game.registerTrader(body);
    return { team: body.team, name: body.name, token };
  }
}
