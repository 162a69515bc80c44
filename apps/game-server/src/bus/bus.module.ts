import { Module, type DynamicModule } from '@nestjs/common';
import { EmbeddedBus } from './embedded-bus.js';
import { MESSAGE_BUS, type MessageBus } from './message-bus.js';

@Module({})
export class BusModule {
  /** Uses the given bus (tests, or a Kafka bus built by main), or an embedded one. */
  static forRoot(bus?: MessageBus): DynamicModule {
    return {
      module: BusModule,
      global: true,
      providers: [{ provide: MESSAGE_BUS, useValue: bus ?? new EmbeddedBus() }],
      exports: [MESSAGE_BUS],
    };
  }
}
