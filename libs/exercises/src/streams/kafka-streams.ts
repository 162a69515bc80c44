import type { Topology } from './topology.js';

export interface KafkaStreamsConfig {
  readonly applicationId: string;
  readonly brokers: string[];
  readonly logLevel?: number;
}

export class KafkaStreams {
  constructor(
    readonly topology: Topology,
    readonly config: KafkaStreamsConfig,
  ) {}

  async start(): Promise<void> {
    throw new Error('not implemented yet');
  }

  async close(): Promise<void> {
    throw new Error('not implemented yet');
  }

  droppedRecords(): number {
    throw new Error('not implemented yet');
  }
}
