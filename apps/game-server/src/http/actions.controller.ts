/**
 * POST /api/actions/<kind>: one route per entry of the protocol's action
 * table, declared from it, so a new action kind gets its route, body
 * validation and API document without a line here.
 */
import { Body, Controller, GatewayTimeoutException, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ACTION_LIST, ACTIONS_PATH, txnResultSchema, type ActionRequest, type TraderKey, type TxnResult } from '@banana-market/protocol';
import { ActionSubmitter } from '../game/action-submitter.service.js';
import { TxnTimeoutError } from '../game/txn-result-waiter.service.js';
import { ActingTrader, TraderTokenGuard } from './auth.guards.js';

@ApiTags('actions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No trader token, or an unknown one' })
@UseGuards(TraderTokenGuard)
@Controller(ACTIONS_PATH.replace(/^\//, ''))
export class ActionsController {
  constructor(private readonly submitter: ActionSubmitter) {}

  async submit(trader: TraderKey, request: ActionRequest): Promise<TxnResult> {
    try {
      return await this.submitter.submit(trader, request);
    } catch (err) {
      if (err instanceof TxnTimeoutError) throw new GatewayTimeoutException(err.message);
      throw err;
    }
  }
}

// What `@Post(path) market(@ActingTrader() trader, @Body({ schema }) body)` would declare, for every action kind.
for (const spec of ACTION_LIST) {
  const prototype = ActionsController.prototype as unknown as Record<string, unknown>;
  const handler = function (this: ActionsController, trader: TraderKey, body: ActionRequest['body']): Promise<TxnResult> {
    return this.submit(trader, { kind: spec.kind, body } as ActionRequest);
  };
  Object.defineProperty(handler, 'name', { value: spec.kind });
  Object.defineProperty(prototype, spec.kind, { value: handler, writable: true, configurable: true });
  Reflect.defineMetadata('design:paramtypes', [Object, Object], prototype, spec.kind);
  ActingTrader()(prototype, spec.kind, 0);
  Body({ schema: spec.bodySchema })(prototype, spec.kind, 1);
  const descriptor = Object.getOwnPropertyDescriptor(prototype, spec.kind) as PropertyDescriptor;
  Reflect.decorate(
    [
      Post(spec.httpPath),
      HttpCode(200),
      ApiOkResponse({ description: `The ${spec.txnType} transaction result (the txn-results value)`, standardSchema: txnResultSchema }),
    ],
    prototype,
    spec.kind,
    descriptor,
  );
}
