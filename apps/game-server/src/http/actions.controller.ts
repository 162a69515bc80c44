/**
 * POST /api/actions/<kind>: one route per entry of the protocol's action
 * table, declared from it, so a new action kind gets its route, body
 * validation and API document without a line here.
 */
import { Body, Controller, GatewayTimeoutException, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import {
  ACTION_LIST,
  ACTIONS_PATH,
  retryAfterOfReason,
  txnResultSchema,
  type ActionRateLimit,
  type ActionRequest,
  type TraderKey,
  type TxnResult,
} from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { ActionSubmitter, RateLimitedError } from '../game/action-submitter.service.js';
import { TxnTimeoutError } from '../game/txn-result-waiter.service.js';
import { admittedAt } from './action-rate-gate.js';
import { ActingTrader, TraderTokenGuard } from './auth.guards.js';

@ApiTags('actions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'No trader token, or an unknown one' })
@ApiTooManyRequestsResponse({ description: "Over the trader's rate limit (ACTION_RATE): code RATE_LIMITED, retryAfterMs, and a Retry-After header" })
@UseGuards(TraderTokenGuard)
@Controller(ACTIONS_PATH.replace(/^\//, ''))
export class ActionsController {
  private readonly limit: ActionRateLimit;

  constructor(
    private readonly submitter: ActionSubmitter,
    @Inject(SERVER_CONFIG) config: ServerConfig,
  ) {
    this.limit = config.actionRateLimit;
  }

  async submit(trader: TraderKey, request: ActionRequest, admitted: number | undefined): Promise<TxnResult> {
    let result: TxnResult;
    try {
      result = await this.submitter.submit(trader, request, 'http', admitted);
    } catch (err) {
      if (err instanceof TxnTimeoutError) throw new GatewayTimeoutException(err.message);
      throw err;
    }
    // The task refused it over the limit (the trader also acts over Kafka, or through another server): 429 as well.
    const retryAfterMs = result.status === 'REJECTED' ? retryAfterOfReason(result.reason) : undefined;
    if (retryAfterMs !== undefined) throw new RateLimitedError(this.limit, retryAfterMs);
    return result;
  }
}

// What `@Post(path) market(@ActingTrader() trader, @Body({ schema }) body, @Req() request)` would declare, for every action kind.
for (const spec of ACTION_LIST) {
  const prototype = ActionsController.prototype as unknown as Record<string, unknown>;
  const handler = function (this: ActionsController, trader: TraderKey, body: ActionRequest['body'], request: unknown): Promise<TxnResult> {
    // The rate gate counted it before the body was read (see action-rate-gate.ts).
    return this.submit(trader, { kind: spec.kind, body } as ActionRequest, admittedAt(request));
  };
  Object.defineProperty(handler, 'name', { value: spec.kind });
  Object.defineProperty(prototype, spec.kind, { value: handler, writable: true, configurable: true });
  Reflect.defineMetadata('design:paramtypes', [Object, Object, Object], prototype, spec.kind);
  ActingTrader()(prototype, spec.kind, 0);
  Body({ schema: spec.bodySchema })(prototype, spec.kind, 1);
  Req()(prototype, spec.kind, 2);
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
