export * from './protocol/index.js';
export * from './api/index.js';
export * from './bots/index.js';
