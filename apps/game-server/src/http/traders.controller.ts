import { BadRequestException, Body, ConflictException, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiBadRequestResponse({ description: 'An invalid team or name, or a team that does not play in this room (GAME_TEAMS)' })
  async register(@Body({ schema: registerTraderBodySchema }) body: TraderKey): Promise<RegisteredTrader> {
    const refusal = this.game.teamRefusal(body.team);
    if (refusal !== undefined) {
      const problem = { field: 'team', expected: `one of the teams of this room, ${this.game.teams?.join(', ')}; got "${body.team}"` };
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${problem.field}: ${problem.expected}`, problems: [problem] });
    }
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
