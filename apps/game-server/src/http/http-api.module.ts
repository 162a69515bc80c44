import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { GameModule } from '../game/game.module.js';
import { ActionsController } from './actions.controller.js';
import { AdminTokenGuard, TraderTokenGuard } from './auth.guards.js';
import { GameControlController } from './game-control.controller.js';
import { HealthController } from './health.controller.js';
import { AsyncApiController } from './asyncapi.controller.js';
import { MarketController } from './market.controller.js';
import { ReportController } from './report.controller.js';
import { RoomController } from './room.controller.js';
import { TraderPageController } from './trader-page.controller.js';
import { ReportService } from '../report/report.service.js';
import { TraderPageService } from '../read-models/trader-page.service.js';
import { MetricsController } from './metrics.controller.js';
import { MorningController } from './morning.controller.js';
import { MorningBoardService } from '../morning/morning-board.js';
import { StandingsController } from './standings.controller.js';
import { TeamsController } from './teams.controller.js';
import { TradersController } from './traders.controller.js';

@Module({
  imports: [TerminusModule, GameModule],
  controllers: [
    HealthController,
    MetricsController,
    AsyncApiController,
    RoomController,
    MorningController,
    ReportController,
    TraderPageController,
    MarketController,
    StandingsController,
    TradersController,
    TeamsController,
    ActionsController,
    GameControlController,
  ],
  providers: [AdminTokenGuard, TraderTokenGuard, ReportService, TraderPageService, MorningBoardService],
})
export class HttpApiModule {}
