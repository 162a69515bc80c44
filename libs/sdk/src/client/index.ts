export * from './transport.js';
export * from './banana-client.js';
export * from './ws-transport.js';
export * from './kafka-transport.js';
