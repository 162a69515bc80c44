export * from './topics.js';
export * from './limits.js';
export * from './schemas.js';
export * from './codec.js';
export * from './new-trader.js';
