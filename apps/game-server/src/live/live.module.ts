import { Module } from '@nestjs/common';
import { GameModule } from '../game/game.module.js';
import { HistoryController } from './history.controller.js';
import { LiveGateway } from './live.gateway.js';

@Module({ imports: [GameModule], controllers: [HistoryController], providers: [LiveGateway] })
export class LiveModule {}
