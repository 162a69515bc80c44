export * from './http-schemas.js';
export * from './ws-messages.js';
