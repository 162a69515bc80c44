/**
 * This server's identity on Kafka, kept across its restarts in DATA_DIR —
 * Kafka Streams' process id in its state directory. Its task groups' member
 * transactional ids and static group instance ids derive from it: a server
 * restarted after a SIGKILL aborts the transaction its predecessor left open
 * (at its first InitProducerId, instead of on the broker's timeout, which a
 * broker restart in between can leave undecided) and takes its predecessor's
 * place in the groups without waiting out that member's session.
 *
 * Two servers started from one directory must not share an identity (their
 * producers would fence each other), so each identity is a slot held by a
 * PID file: a slot whose PID is alive belongs to that process and the next
 * slot is tried; a dead PID's slot (a SIGKILLed server) is taken over, its
 * identity kept. Written by hand: the lock libraries on npm judge staleness
 * by age (proper-lockfile: 10 s), which would hand a quick restart a new
 * identity — the very case this is for — and flock needs a native module.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessIdentity {
  readonly processId: string;
  /** Frees the slot (a clean stop); a killed process leaves it to be taken over. */
  release(): void;
}

/** More servers than this on one directory get identities that are not kept. */
const MAX_SLOTS = 16;

/** The identity of this process: kept in `dataDir`, or a random one (not kept) without it. */
export function claimProcessIdentity(dataDir: string | undefined): ProcessIdentity {
  if (dataDir === undefined) return { processId: randomUUID(), release: () => undefined };
  mkdirSync(dataDir, { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const pidFile = join(dataDir, `kafka-process-${slot}.pid`);
    if (!holdSlot(pidFile)) continue;
    return { processId: slotIdentity(join(dataDir, `kafka-process-${slot}.id`)), release: () => releaseSlot(pidFile) };
  }
  return { processId: randomUUID(), release: () => undefined };
}

/** True once this process holds the slot's PID file (a dead holder's is broken first). */
function holdSlot(pidFile: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readOrEmpty(pidFile), 10);
    // Unreadable or empty: a holder still writing it; taken.
    if (!Number.isInteger(holder) || isAlive(holder)) return false;
    // A dead holder's file: moved aside (atomic: one process wins), then claimed afresh.
    const aside = `${pidFile}.stale-${process.pid}-${randomUUID()}`;
    try {
      renameSync(pidFile, aside);
      rmSync(aside, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return false;
}

function slotIdentity(idFile: string): string {
  const kept = readOrEmpty(idFile).trim();
  if (kept !== '') return kept;
  const id = randomUUID();
  writeFileSync(idFile, id);
  return id;
}

function releaseSlot(pidFile: string): void {
  try {
    if (readOrEmpty(pidFile) === String(process.pid)) unlinkSync(pidFile);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
