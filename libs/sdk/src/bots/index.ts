export * from './strategy.js';
export * from './strategies.js';
