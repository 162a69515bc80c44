import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { asyncApiDocument } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';

/** GET /api/asyncapi.json: the Kafka topics as an AsyncAPI 3 document, from the protocol's schemas. */
@ApiTags('game')
@Controller('api')
export class AsyncApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(SERVER_CONFIG) config: ServerConfig) {
    this.document = asyncApiDocument({ kafka: config.kafkaBrokers?.[0] });
  }

  @Get('asyncapi.json')
  @ApiOkResponse({ description: 'The AsyncAPI 3.0 document of the Kafka topics: every topic with its partitions, key and value schemas' })
  asyncApi(): Record<string, unknown> {
    return this.document;
  }
}
