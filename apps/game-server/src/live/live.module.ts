import { Module } from '@nestjs/common';
import { GameModule } from '../game/game.module.js';
import { LiveGateway } from './live.gateway.js';

@Module({ imports: [GameModule], providers: [LiveGateway] })
export class LiveModule {}
