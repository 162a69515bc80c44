/**
 * Validates `@Body({ schema })` and friends with the protocol's own decoder,
 * so an HTTP client gets the same field-naming errors as a Kafka client
 * reading its REJECTED result. Nest's StandardSchemaValidationPipe is the
 * base: it decides what to validate, this decides how errors read.
 */
import { BadRequestException, ForbiddenException, StandardSchemaValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { validate, type ErrorBody, type FieldProblem } from '@banana-market/protocol';
import type { z } from 'zod';

export const JSON_BODY_EXPECTED = 'expected a JSON body with content-type: application/json';

/**
 * What `req.body` holds when a request came with a body that is not JSON (a
 * `text/plain` body, a form, no content-type at all): the JSON parser left it
 * unread, and the pipe refuses it with the content type it got instead of
 * reporting a missing body. Set by `markNonJsonBodies` (server.ts).
 */
export class NonJsonBody {
  constructor(readonly contentType: string | undefined) {}
}

interface BodyRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** Express middleware, after the JSON parser: a request body that parser did not read becomes a NonJsonBody. */
export function markNonJsonBodies(req: BodyRequest, _res: unknown, next: () => void): void {
  if (req.body === undefined && hasBody(req) && !isJson(req.headers['content-type'])) {
    req.body = new NonJsonBody(headerValue(req.headers['content-type']));
  }
  next();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function hasBody(req: BodyRequest): boolean {
  const length = headerValue(req.headers['content-length']);
  return headerValue(req.headers['transfer-encoding']) !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | string[] | undefined): boolean {
  const type = headerValue(contentType)?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

export function badRequest(problems: readonly FieldProblem[]): BadRequestException {
  return new BadRequestException(problemsBody(400, 'Bad Request', problems));
}

/** A refusal that names the field at fault (a join code that is not the team's): 403 with the same body shape. */
export function forbidden(problems: readonly FieldProblem[]): ForbiddenException {
  return new ForbiddenException(problemsBody(403, 'Forbidden', problems));
}

function problemsBody(statusCode: number, error: string, problems: readonly FieldProblem[]): ErrorBody {
  return { statusCode, error, message: problems.map((p) => `${p.field}: ${p.expected}`).join('; '), problems: [...problems] };
}

export class ProtocolValidationPipe extends StandardSchemaValidationPipe {
  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    if (metadata.schema === undefined || !this.toValidate(metadata)) return value;
    const schema = metadata.schema as unknown as z.ZodType;
    if (metadata.type === 'body') {
      if (value instanceof NonJsonBody) {
        throw badRequest([{ field: 'body', expected: `${JSON_BODY_EXPECTED}, got ${value.contentType ?? 'no content-type'}` }]);
      }
      if (value === undefined && !schema.safeParse(undefined).success) {
        throw badRequest([{ field: 'body', expected: `${JSON_BODY_EXPECTED}, got no body` }]);
      }
    }
    const where = metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type);
    const result = validate(schema, value, where);
    if (result.ok) return result.value as T;
    throw badRequest(result.error.problems);
  }
}
