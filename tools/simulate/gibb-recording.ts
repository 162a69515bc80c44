/**
 * A recording of gibbs as the server's replay source reads it: JSON lines of
 * {time, text, id?}. A bad line is an error naming the line and the field.
 */
import { z } from 'zod';

const recordedGibb = z.object({ time: z.iso.datetime({ offset: true }), text: z.string().min(1) });

export function readGibbRecording(jsonl: string): { time: string; text: string }[] {
  return jsonl
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        throw new Error(`line ${number}: expected JSON (${(err as Error).message})`);
      }
      const gibb = recordedGibb.safeParse(json);
      if (!gibb.success)
        throw new Error(`line ${number}: ${gibb.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')}`);
      return gibb.data;
    });
}
