import { Module } from '@nestjs/common';
import { ActionIntakeService } from './action-intake.service.js';
import { ActionSubmitter } from './action-submitter.service.js';
import { DeadLetterService } from './dead-letter.service.js';
import { ForgedRecords } from './forged-records.service.js';
import { GameMetrics } from '../metrics/game-metrics.js';
import { GameService } from './game.service.js';
import { MarketIntakeService } from './market-intake.service.js';
import { TraderActivityView } from '../read-models/trader-activity.view.js';
import { TraderStatesView } from '../read-models/trader-states.view.js';
import { TraderRegistry } from './trader-registry.service.js';
import { TxnResultWaiter } from './txn-result-waiter.service.js';

@Module({
  providers: [
    GameService,
    ActionIntakeService,
    MarketIntakeService,
    TraderStatesView,
    DeadLetterService,
    ForgedRecords,
    GameMetrics,
    TraderRegistry,
    TxnResultWaiter,
    ActionSubmitter,
    TraderActivityView,
  ],
  exports: [
    GameService,
    TraderRegistry,
    ActionSubmitter,
    DeadLetterService,
    ForgedRecords,
    GameMetrics,
    TxnResultWaiter,
    TraderStatesView,
    TraderActivityView,
  ],
})
export class GameModule {}
