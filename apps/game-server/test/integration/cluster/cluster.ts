/**
 * Several real servers (dist/main.js, crash/server-process.ts) with one
 * configuration on one broker, as issue 16 runs them: each named, each asked
 * over HTTP like any player would, and their /api/health read together.
 */
import { ServerProcess } from '../crash/server-process.js';
import type { ClusterHealth } from './checks.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export class ClusterServer {
  readonly process: ServerProcess;

  constructor(
    readonly name: string,
    env: Record<string, string>,
  ) {
    this.process = new ServerProcess(env);
  }

  get running(): boolean {
    return this.process.running && this.process.url !== '';
  }

  /** Rejects when the server is down or the request fails (a connection that died with the server). */
  async call(method: string, path: string, body?: unknown, token?: string, timeoutMs = 15_000): Promise<HttpAnswer> {
    const url = this.process.url;
    if (url === '') throw new Error(`${this.name} is not running`);
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  }

  /** Its /api/health (whatever the status code), or undefined when it does not answer. */
  async health(): Promise<ClusterHealth | undefined> {
    if (!this.running) return undefined;
    try {
      return (await this.call('GET', '/api/health', undefined, undefined, 3_000)).body as ClusterHealth;
    } catch {
      return undefined;
    }
  }

  /** The partitions of the tasks it owns, sorted, or undefined. */
  async tasks(): Promise<number[] | undefined> {
    const tasks = (await this.health())?.tasks;
    return Array.isArray(tasks) ? tasks.map((t) => t.partition).sort((a, b) => a - b) : undefined;
  }
}

export class Cluster {
  readonly servers: ClusterServer[];

  constructor(size: number, env: Record<string, string>, prefix = 'server') {
    this.servers = Array.from({ length: size }, (_, i) => new ClusterServer(`${prefix}-${String.fromCharCode(65 + i)}`, env));
  }

  running(): ClusterServer[] {
    return this.servers.filter((s) => s.running);
  }

  /**
   * Starts the first server, then all the others at once: the first creates
   * whatever topics a fresh broker lacks, the others join it together.
   */
  async start(): Promise<void> {
    const [first, ...others] = this.servers;
    await first.process.start();
    await Promise.all(others.map((s) => s.process.start()));
  }

  /** The /api/health of each running server, by name. */
  async healths(): Promise<Map<string, ClusterHealth | undefined>> {
    const running = this.running();
    const answers = await Promise.all(running.map((s) => s.health()));
    return new Map(running.map((s, i) => [s.name, answers[i]]));
  }

  /** One line per server: down, or its tasks (with their lag) and whether it leads. */
  async describe(): Promise<string> {
    const healths = await this.healths();
    return this.servers
      .map((server) => {
        if (!healths.has(server.name)) return `${server.name}: down`;
        const h = healths.get(server.name);
        if (h === undefined) return `${server.name}: no health`;
        const tasks = h.tasks?.map((t) => `${t.partition}${t.lag === null ? '' : `(lag ${t.lag})`}`).join(' ') ?? '?';
        return `${server.name}: tasks [${tasks}]${h.marketLeader ? ' leader' : ''}`;
      })
      .join('; ');
  }

  async killAll(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.process.kill()));
  }

  /** What every server printed, for the evidence of a failure. */
  output(chars = 15_000): string {
    return this.servers.map((s) => `----- ${s.name} -----\n${s.process.tail(chars)}`).join('\n');
  }
}
