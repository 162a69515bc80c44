/**
 * Validates `@Body({ schema })` and friends with the protocol's own decoder,
 * so an HTTP client gets the same field-naming errors as a Kafka client
 * reading its REJECTED result. Nest's StandardSchemaValidationPipe is the
 * base: it decides what to validate, this decides how errors read.
 */
import { BadRequestException, StandardSchemaValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { validate, type ErrorBody } from '@banana-market/protocol';
import type { z } from 'zod';

export class ProtocolValidationPipe extends StandardSchemaValidationPipe {
  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    if (metadata.schema === undefined || !this.toValidate(metadata)) return value;
    const where = metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type);
    const result = validate(metadata.schema as unknown as z.ZodType, value, where);
    if (result.ok) return result.value as T;
    const body: ErrorBody = {
      statusCode: 400,
      error: 'Bad Request',
      message: result.error.message,
      problems: [...result.error.problems],
    };
    throw new BadRequestException(body);
  }
}
