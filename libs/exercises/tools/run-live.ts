/**
 * `--live N`'s command line: starts the participant's chapter on the game's
 * broker (live.ts), prints each record it writes as it arrives, and closes
 * cleanly on Ctrl-C or SIGTERM (the batch in progress finishes and commits,
 * so the next run resumes there). A second Ctrl-C stops at once.
 */
import { saslFromEnv } from '@banana-market/kafka';
import type { Chapter } from './chapters.js';
import { startLive } from './live.js';
import type { Options } from './options.js';
import { defaultParticipant } from './room-report.js';

export async function runLive(packageDir: string, options: Options, chapter: Chapter): Promise<number> {
  const participant = options.name ?? defaultParticipant();
  const brokers = options.kafka ?? [];
  const what = options.source === 'solutions' ? 'the reference solution of' : 'your';
  process.stdout.write(`${what} chapter ${chapter.slug} goes live on ${brokers.join(',')} as "${participant}"…\n`);
  const run = await startLive({
    packageDir,
    source: options.source,
    chapter,
    participant,
    brokers,
    sasl: saslFromEnv(process.env),
    onOutput: (record) =>
      process.stdout.write(`${new Date(record.timestamp).toISOString()}  ${record.topic}  ${record.key ?? 'null'}  ${record.value ?? 'null'}\n`),
  });
  process.stdout.write(
    `live: writing ${run.outputTopics.join(', ') || 'no topic'} (consumer group ${run.applicationId}); each record is printed as it comes; Ctrl-C stops\n`,
  );
  // Only once running: a Ctrl-C while it starts stops the process at once, nothing to finish yet.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      // Both listeners go: a second signal of either kind then stops the process at once, as Node does by default.
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(`${signal}: closing (the batch in progress is committed; the same --name resumes from there)…\n`);
  await run.close();
  process.stdout.write('closed\n');
  return 0;
}
