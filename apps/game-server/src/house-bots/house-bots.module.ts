import { Module } from '@nestjs/common';
import { GameModule } from '../game/game.module.js';
import { HouseBotsService } from './house-bots.service.js';

@Module({ imports: [GameModule], providers: [HouseBotsService], exports: [HouseBotsService] })
export class HouseBotsModule {}
