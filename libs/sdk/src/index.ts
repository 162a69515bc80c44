/**
 * What a participant's program needs: the wire format (re-exported from
 * @banana-market/protocol) and the bot API (from @banana-market/engine).
 * The clients are in '@banana-market/sdk/client'.
 */
export * from '@banana-market/protocol';
export { decisionToAction, STRATEGIES, type BotContext, type BotDecision, type BotMarketView, type Strategy } from '@banana-market/engine';
