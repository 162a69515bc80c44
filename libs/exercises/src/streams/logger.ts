/** Where the Kafka runner reports what it cannot throw at anyone (a skipped record, a failed shutdown step). */
export interface StreamsLogger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The default: quiet about routine work, loud about trouble. */
export const stderrLogger: StreamsLogger = {
  info: () => undefined,
  error: (message, error) => console.error(`[banana-streams] ${message}`, error ?? ''),
};

export const silentLogger: StreamsLogger = { info: () => undefined, error: () => undefined };
