import { Body, Controller, GatewayTimeoutException, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import {
  feedActionBodySchema,
  investActionBodySchema,
  marketActionBodySchema,
  txnResultSchema,
  type FeedActionBody,
  type InvestActionBody,
  type MarketActionBody,
  type TraderKey,
  type TxnResult,
} from '@banana-market/sdk';
import { ActionSubmitter, type SubmittedAction } from '../game/action-submitter.service.js';
import { TxnTimeoutError } from '../game/txn-result-waiter.service.js';
import { ActingTrader, TraderTokenGuard } from './auth.guards.js';

@ApiTags('actions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No trader token, or an unknown one' })
@UseGuards(TraderTokenGuard)
@Controller('api/actions')
export class ActionsController {
  constructor(private readonly submitter: ActionSubmitter) {}

  @Post('market')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The transaction result (the txn-results value)', standardSchema: txnResultSchema })
  market(@ActingTrader() trader: TraderKey, @Body({ schema: marketActionBodySchema }) body: MarketActionBody): Promise<TxnResult> {
    return this.submit(trader, { kind: 'market', body });
  }

  @Post('invest')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The transaction result (the txn-results value)', standardSchema: txnResultSchema })
  invest(@ActingTrader() trader: TraderKey, @Body({ schema: investActionBodySchema }) body: InvestActionBody): Promise<TxnResult> {
    return this.submit(trader, { kind: 'invest', body });
  }

  @Post('feed')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The transaction result (the txn-results value)', standardSchema: txnResultSchema })
  feed(@ActingTrader() trader: TraderKey, @Body({ schema: feedActionBodySchema }) body: FeedActionBody): Promise<TxnResult> {
    return this.submit(trader, { kind: 'feed', body });
  }

  private async submit(trader: TraderKey, action: SubmittedAction): Promise<TxnResult> {
    try {
      return await this.submitter.submit(trader, action);
    } catch (err) {
      if (err instanceof TxnTimeoutError) throw new GatewayTimeoutException(err.message);
      throw err;
    }
  }
}
