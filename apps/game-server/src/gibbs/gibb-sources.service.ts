/**
 * Runs the gibb sources the configuration asks for, together: they start
 * once the game is ready and stop with the server. The coach reads their
 * state at GET /api/gibbs/sources.
 */
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Clock } from '@banana-market/engine';
import type { GibbSourcesView } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { GAME_CLOCK } from '../game/tokens.js';
import { GibbPublisher } from './gibb-publisher.service.js';
import type { GibbSource } from './gibb-source.js';
import { GibberSource } from './gibber/gibber-source.js';
import { readReplayFile } from './replay/replay-file.js';
import { ReplayGibbSource } from './replay/replay-gibb-source.js';
import { X_CONNECTION_OPTIONS, type XConnectionOptions } from './x/x-connection-options.js';
import { XGibbSource } from './x/x-gibb-source.js';

@Injectable()
export class GibbSourcesService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  readonly gibber: GibberSource;
  private readonly sources: GibbSource[] = [];

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(GAME_CLOCK) private readonly clock: Clock,
    @Inject(X_CONNECTION_OPTIONS) private readonly xConnection: XConnectionOptions,
    private readonly publisher: GibbPublisher,
  ) {
    const sources = config.gibbSources;
    this.gibber = new GibberSource(sources.gibber, sources.enabled.includes('gibber'));
    this.sources.push(this.gibber);
  }

  /** The replay file is read here, so a bad one stops the server before it listens. */
  async onModuleInit(): Promise<void> {
    const { x, replay } = this.config.gibbSources;
    if (x !== undefined) {
      this.sources.push(
        new XGibbSource({ config: x, publisher: this.publisher, clock: this.clock, logger: new Logger('XGibbSource'), connection: this.xConnection }),
      );
    }
    if (replay !== undefined) {
      this.sources.push(new ReplayGibbSource(replay, await readReplayFile(replay.file), this.publisher, this.clock));
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const source of this.sources) await source.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.stop()));
  }

  view(): GibbSourcesView {
    return { sources: this.sources.map((source) => source.status()) };
  }
}
