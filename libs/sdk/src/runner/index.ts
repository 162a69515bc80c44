export * from './bot-runner.js';
export * from './load-strategy.js';
