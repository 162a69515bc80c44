/** A real WebSocket client for tests: collects frames and waits for the ones it needs. */
import WebSocket from 'ws';
import { http } from './test-server.js';

export interface Frame {
  event: string;
  data: any;
}

export class TestSocket {
  readonly frames: Frame[] = [];
  /** Every frame's text as it arrived, for checks on the bytes themselves. */
  readonly raw: string[] = [];
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];

  /** Resolves when the socket closes, with the server's code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (raw) => {
      const text = raw.toString();
      this.raw.push(text);
      const frame = JSON.parse(text) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
  }

  static open(url: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new TestSocket(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** A newly registered trader's socket, authenticated: what a player's bot opens. */
  static async openAs(
    server: { url: string; wsUrl: string },
    trader: { team: string; name: string },
  ): Promise<{ socket: TestSocket; token: string }> {
    const { token } = (await http(server, 'POST', '/api/traders', { body: trader })).body as { token: string };
    const socket = await TestSocket.open(server.wsUrl);
    await socket.authenticate(token);
    return { socket, token };
  }

  /** Sends the token and waits until the server accepts it. */
  async authenticate(token: string): Promise<void> {
    this.send('auth', { token });
    await this.next((f) => f.event === 'authenticated');
  }

  send(event: string, data: unknown): void {
    this.socket.send(JSON.stringify({ event, data }));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** The first frame (already received or to come) matching, within a wall-clock timeout. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000, after = 0): Promise<Frame> {
    const existing = this.frames.slice(after).find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
