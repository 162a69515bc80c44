#!/usr/bin/env node
/**
 * The bench's flooding Kafka client, in a process of its own: a plain kafkajs producer writing market
 * orders under one trader's key to `market-orders` as fast as it can (500 orders a send, each send
 * awaited) for `SECONDS`, with the players' credentials of a secured broker when given. Prints how many
 * it wrote as one JSON line when done.
 *   node tools/bench/kafka-flooder.mjs BOOTSTRAP TEAM NAME SECONDS [USER PASSWORD]
 */
import { createKafkaClient, createProducer } from '@banana-market/kafka';
import { ACTIONS, encode, TOPICS } from '@banana-market/protocol';

const [bootstrap, team, name, seconds, username, password] = process.argv.slice(2);
const sasl = username === undefined ? undefined : { mechanism: 'scram-sha-256', username, password };
const producer = createProducer(createKafkaClient({ clientId: 'kafka-flooder', brokers: [bootstrap], sasl }));
await producer.connect();
const key = encode.traderKey({ team, name });
const started = Date.now();
const until = started + Number(seconds) * 1000;
let written = 0;
while (Date.now() < until) {
  const messages = Array.from({ length: 500 }, () => ({
    key,
    value: ACTIONS.market.encode({ time: new Date().toISOString(), txnId: `kflood-${written++}`, type: 'BUY', shares: 1 }),
  }));
  await producer.send({ topic: TOPICS.marketOrders.name, messages });
}
await producer.disconnect();
console.log(JSON.stringify({ written, perSecond: Math.round(written / ((Date.now() - started) / 1000)) }));
