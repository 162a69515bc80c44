/**
 * A replay file: one recorded gibb per line (JSON Lines), `{"time", "text"}`
 * and an optional `id`. Read whole at start so a bad line stops the server
 * with its line number, before the game, not halfway through the workshop.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PROTOCOL_LIMITS } from '@banana-market/protocol';
import { ConfigError } from '../../config/server-config.js';

export const replayEntrySchema = z.object({
  time: z.iso.datetime({ offset: true, message: 'expected an ISO-8601 time such as "2018-10-04T09:12:00Z"' }),
  text: z
    .string({ message: 'expected the text of the gibb' })
    .min(1, { message: 'expected a non-empty text' })
    .max(PROTOCOL_LIMITS.maxGibbLength, { message: `expected at most ${PROTOCOL_LIMITS.maxGibbLength} characters` }),
  id: z.string().min(1).max(100).optional(),
});

export interface ReplayEntry {
  /** Milliseconds since the recording's first gibb. */
  readonly offsetMs: number;
  readonly text: string;
  /** Stable per file line, so the same recording played twice is recognisably the same gibbs. */
  readonly id: string;
}

/** A configuration error found when the file is read: the server stops with this one line. */
export class ReplayFileError extends ConfigError {}

/** Parses JSONL text; entries come back in time order (a stable sort, so equal times keep file order). */
export function parseReplay(text: string, fileLabel: string): ReplayEntry[] {
  const parsed: { time: number; text: string; id: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ReplayFileError(`${fileLabel} line ${line}: expected a JSON object such as {"time":"2018-10-04T09:12:00Z","text":"banana up #MKTD"}`);
    }
    const entry = replayEntrySchema.safeParse(json);
    if (!entry.success) {
      const issue = entry.error.issues[0];
      throw new ReplayFileError(`${fileLabel} line ${line}: ${issue.path.join('.') || 'line'}: ${issue.message}`);
    }
    parsed.push({ time: Date.parse(entry.data.time), text: entry.data.text, id: entry.data.id ?? `line-${line}`, line });
  });
  if (parsed.length === 0) throw new ReplayFileError(`${fileLabel}: no gibbs in the file (expected one JSON object per line)`);
  parsed.sort((a, b) => a.time - b.time || a.line - b.line);
  const first = parsed[0].time;
  return parsed.map((entry) => ({ offsetMs: entry.time - first, text: entry.text, id: entry.id }));
}

export async function readReplayFile(path: string): Promise<ReplayEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ReplayFileError(`GIBB_REPLAY_FILE ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseReplay(text, `GIBB_REPLAY_FILE ${path}`);
}
