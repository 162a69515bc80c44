/**
 * The real server (dist/main.js) as a child process for the crash tests: the
 * same environment on every start, its output kept (for the evidence of a
 * failure) and a real SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));

export class ServerProcess {
  /** Everything every run of the server printed, in order, with a banner per start. */
  readonly output: string[] = [];
  url = '';
  private child: ChildProcess | undefined;
  private exit: Promise<string> | undefined;
  private starts = 0;

  constructor(private readonly env: Record<string, string>) {}

  /** Starts the server and resolves once it listens; rejects with its output if it exits or takes longer than `timeoutMs`. */
  start(timeoutMs = 60_000): Promise<void> {
    this.starts += 1;
    this.output.push(`\n===== server start #${this.starts} at ${new Date().toISOString()} =====\n`);
    const child = spawn(process.execPath, [mainJs], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs);
      child.stdout?.on('data', (d: Buffer) => {
        const text = d.toString();
        this.output.push(text);
        seen += text;
        const port = /Banana Market is open: http:\/\/localhost:(\d+)/.exec(seen)?.[1];
        if (port !== undefined && this.url !== `http://127.0.0.1:${port}`) {
          clearTimeout(timer);
          this.url = `http://127.0.0.1:${port}`;
          resolve();
        }
      });
      void this.exit?.then((how) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${how} while starting:\n${this.tail()}`));
      });
    });
  }

  /** What this run of the server printed since it started. */
  currentRunOutput(): string {
    const all = this.output.join('');
    return all.slice(all.lastIndexOf('===== server start #'));
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A real SIGKILL; resolves when the process is gone. */
  async kill(): Promise<void> {
    if (this.child === undefined || !this.running) return;
    this.output.push(`\n===== SIGKILL at ${new Date().toISOString()} =====\n`);
    this.url = '';
    this.child.kill('SIGKILL');
    await this.exit;
  }

  tail(chars = 12_000): string {
    const all = this.output.join('');
    return all.length > chars ? `…${all.slice(-chars)}` : all;
  }
}
