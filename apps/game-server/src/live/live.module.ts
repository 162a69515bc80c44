import { Module } from '@nestjs/common';
import { GameModule } from '../game/game.module.js';
import { HistoryController } from './history.controller.js';
import { LiveGateway } from './live.gateway.js';
import { PriceAlertsController } from './price-alerts.controller.js';
import { PriceAlertsService } from './price-alerts.service.js';

@Module({ imports: [GameModule], controllers: [HistoryController, PriceAlertsController], providers: [LiveGateway, PriceAlertsService] })
export class LiveModule {}
