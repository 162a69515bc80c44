export * from './strategy.js';
export * from './strategies.js';
export * from './bot-driver.js';
export * from './market-watch.js';
export * from './decision-check.js';
