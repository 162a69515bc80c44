/**
 * Who plays: a player registers (POST), the coach lists every trader with what
 * the server sees of it (GET, admin) and removes one (DELETE, admin). The
 * house bots' team is the server's own: nobody registers into it.
 */
import {
  Body,
  ConflictException,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  registeredTraderSchema,
  registerTraderBodySchema,
  traderId,
  traderKeySchema,
  traderPageSchema,
  type TraderPage,
  traderListSchema,
  validate,
  type RegisteredTrader,
  type RegisterTraderBody,
  type TraderKey,
  type TraderList,
} from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { GameService } from '../game/game.service.js';
import { JOIN_CODES, type JoinCodes } from '../game/join-codes.js';
import { TraderAlreadyRegisteredError, TraderRegistry, TraderRemovedError, UnknownTraderError } from '../game/trader-registry.service.js';
import { TraderActivityView } from '../read-models/trader-activity.view.js';
import { TraderStatesView } from '../read-models/trader-states.view.js';
import { TraderPageService } from '../read-models/trader-page.service.js';
import { AdminTokenGuard } from './auth.guards.js';
import { badRequest, forbidden } from './protocol-validation.pipe.js';

@ApiTags('traders')
@Controller('api/traders')
export class TradersController {
  constructor(
    private readonly registry: TraderRegistry,
    private readonly game: GameService,
    private readonly activity: TraderActivityView,
    private readonly states: TraderStatesView,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(JOIN_CODES) private readonly joinCodes: JoinCodes,
    private readonly pages: TraderPageService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ description: 'The trader and its secret token (keep it: actions need it)', standardSchema: registeredTraderSchema })
  @ApiConflictResponse({ description: 'A trader with this team and name is already registered' })
  @ApiForbiddenResponse({ description: "The house bots' team, or a trader the coach removed" })
  @ApiBadRequestResponse({ description: 'An invalid team or name, or a team that does not play in this room (GAME_TEAMS)' })
  async register(@Body({ schema: registerTraderBodySchema }) body: RegisterTraderBody): Promise<RegisteredTrader> {
    this.checkAdmission(body);
    const refusal = this.game.teamRefusal(body.team);
    if (refusal !== undefined) {
      throw badRequest([{ field: 'team', expected: `one of the teams of this room, ${this.game.teams?.join(', ')}; got "${body.team}"` }]);
    }
    if (body.team === this.config.houseTeam) {
      throw new ForbiddenException(`team "${body.team}" is the house bots' own (HOUSE_TEAM): register under your own team`);
    }
    const trader: TraderKey = { team: body.team, name: body.name };
    let token: string;
    try {
      token = await this.registry.register(trader);
    } catch (err) {
      if (err instanceof TraderAlreadyRegisteredError) throw new ConflictException(err.message);
      if (err instanceof TraderRemovedError) throw new ForbiddenException(err.message);
      throw err;
    }
    this.game.registerTrader(trader);
    return { ...trader, token };
  }

  /** REGISTRATION: closed refuses everyone; codes wants the join code of a team the coach created. */
  private checkAdmission({ team, code }: RegisterTraderBody): void {
    const mode = this.config.registration;
    if (mode === 'open') return;
    if (mode === 'closed') throw new ForbiddenException('registration is closed (REGISTRATION=closed): ask the coach');
    if (!this.registry.hasTeam(team)) {
      throw new ForbiddenException(`team "${team}" has no join code: registration takes a code the coach hands out (REGISTRATION=codes)`);
    }
    if (code === undefined || !this.joinCodes.accepts(team, code)) {
      throw forbidden([
        { field: 'code', expected: `the join code of team "${team}" (from the coach)${code === undefined ? '' : '; this one is not it'}` },
      ]);
    }
  }

  /** Every trader — registered, or known only from its state (a Kafka client that never registered) — and its activity. */
  @Get()
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'No admin token, or a wrong one' })
  @ApiOkResponse({ description: 'Every trader, with what this server sees of it', standardSchema: traderListSchema })
  list(): TraderList {
    const registered = this.registry.traders();
    const known = new Set(registered.map(({ trader }) => traderId(trader)));
    const unregistered = this.states
      .all()
      .filter(({ trader }) => !known.has(traderId(trader)))
      .map(({ trader }) => ({ trader, removed: false }));
    return { traders: this.activity.list([...registered, ...unregistered]) };
  }

  /** One trader's page as JSON (public, like the scoreboard): what /trader/{team}/{name} shows. */
  @Get(':team/:name')
  @ApiOkResponse({
    description: 'Its state, score and rank, its state over time, its last 100 answers with their reasons, its plantations in flight',
    standardSchema: traderPageSchema,
  })
  @ApiNotFoundResponse({ description: 'The game has never heard of this trader' })
  async page(@Param('team') team: string, @Param('name') name: string): Promise<TraderPage> {
    const trader = validate(traderKeySchema, { team, name }, 'path');
    if (!trader.ok) throw badRequest(trader.error.problems);
    const page = await this.pages.page(trader.value);
    if (page === undefined) throw new NotFoundException(`no trader ${team}/${name} in this game`);
    return page;
  }

  /** The coach removes a trader: its token stops working on every path, its orders are refused, its sockets closed. */
  @Delete(':team/:name')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({ description: 'No admin token, or a wrong one' })
  @ApiNoContentResponse({ description: 'Removed (or already removed)' })
  @ApiNotFoundResponse({ description: 'No such registered trader' })
  async remove(@Param('team') team: string, @Param('name') name: string): Promise<void> {
    const trader = validate(traderKeySchema, { team, name }, 'path');
    if (!trader.ok) throw badRequest(trader.error.problems);
    try {
      await this.registry.remove(trader.value);
    } catch (err) {
      if (err instanceof UnknownTraderError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
