/**
 * For the tests that kill their own broker and start it again on the same
 * log directory: whether this machine can run brokers (else a loud skip, a
 * throw in CI), and a TCP relay that keeps one address for a broker that
 * comes back on new ports (tools/kafka picks free ones), as a broker behind
 * a load balancer would: clients find the new listener from the metadata.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { brokerForTests, missingTools } from '../../../../tools/kafka/broker.mjs';

/** Java and Maven, or a loud skip (a throw when CI is set). The broker is killed: KAFKA_BROKERS' one will not do. */
export async function canRunOwnBrokers(test: string): Promise<boolean> {
  const missing = missingTools();
  if (missing.length === 0) return true;
  if (!process.env.KAFKA_BROKERS) {
    await brokerForTests(); // without the tools: its loud SKIPPING banner (a throw when CI is set)
    return false;
  }
  const message = `the ${test} test kills and restarts a broker of its own, and this machine lacks ${missing.join(' and ')}`;
  if (process.env.CI && !['false', '0'].includes(process.env.CI)) throw new Error(message);
  console.warn(`\n${'!'.repeat(78)}\n!! SKIPPING: ${message}\n${'!'.repeat(78)}\n`);
  return false;
}

/** A TCP relay on a fixed port to whichever broker runs now. */
export class Relay {
  target = '';
  private readonly sockets = new Set<Socket>();
  private readonly server: Server = createServer((client) => {
    const [host, port] = this.target.split(':');
    const upstream = connect(Number(port), host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
