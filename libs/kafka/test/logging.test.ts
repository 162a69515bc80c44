import { describe, expect, it } from 'vitest';
import { logCreatorFor, logLevel } from '../src/index.js';

describe('logCreatorFor', () => {
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
    namespace: 'Test',
    level,
    label: logLevel[level],
    log: { timestamp: '2018-03-16T10:00:00.000Z', message, ...extra },
  });

  it('writes warnings and errors, one line each, leaving out what kafkajs retries', () => {
    const lines: string[] = [];
    const log = logCreatorFor({ warn: (line) => lines.push(`WARN ${line}`), error: (line) => lines.push(`ERROR ${line}`) })(logLevel.WARN);
    log(entry(logLevel.ERROR, 'Crash', { error: 'broker gone' }));
    log(entry(logLevel.WARN, 'Slow', {}));
    log(entry(logLevel.INFO, 'Consumer has joined the group'));
    log(
      entry(logLevel.ERROR, 'Response Metadata', {
        error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
      }),
    );
    expect(lines).toEqual([
      'ERROR Crash {"timestamp":"2018-03-16T10:00:00.000Z","error":"broker gone"}',
      'WARN Slow {"timestamp":"2018-03-16T10:00:00.000Z"}',
    ]);
  });
});
