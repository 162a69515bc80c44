/**
 * What a new trader starts with under the default rules. The engine's rules
 * take their defaults from here; a Kafka bot assumes it until the server
 * reports the trader's real state (a coach may have changed the rules).
 */
export const NEW_TRADER_START = Object.freeze({ coins: 10, shares: 5 });
