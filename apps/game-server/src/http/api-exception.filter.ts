/**
 * Every HTTP error answers with the same ErrorBody shape. Malformed JSON (a
 * body-parser SyntaxError) and an oversized body say so and name the body,
 * in the words the Kafka path uses, rather than echoing the parser's terse
 * message. A request refused because the broker is away (BusUnavailableError,
 * from any route that publishes) is 503 with code BROKER_UNAVAILABLE.
 */
import { ArgumentsHost, Catch, HttpException, ServiceUnavailableException, type ExceptionFilter } from '@nestjs/common';
import type { ErrorBody } from '@banana-market/protocol';
import { BusUnavailableError } from '../bus/message-bus.js';
import { RateLimitedError } from '../game/action-submitter.service.js';

export interface JsonResponse {
  status(code: number): JsonResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

@Catch(HttpException, BusUnavailableError, RateLimitedError)
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException | BusUnavailableError | RateLimitedError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    sendErrorBody(host.switchToHttp().getResponse<JsonResponse>(), toErrorBody(exception));
  }
}

/** Answers with an ErrorBody (and Retry-After when it says when to retry). */
export function sendErrorBody(response: JsonResponse, body: ErrorBody): void {
  // Whole seconds, as HTTP has it; the body's retryAfterMs is exact.
  if (body.retryAfterMs !== undefined) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))));
  response.status(body.statusCode).json(body);
}

export function toErrorBody(exception: HttpException | BusUnavailableError | RateLimitedError): ErrorBody {
  if (exception instanceof RateLimitedError) {
    const status = 429;
    return {
      statusCode: status,
      error: httpErrorName(status),
      code: exception.code,
      message: exception.message,
      retryAfterMs: exception.retryAfterMs,
    };
  }
  if (exception instanceof BusUnavailableError) {
    // Try again later: the server is up, its broker is not; health says since when.
    const status = new ServiceUnavailableException().getStatus();
    return { statusCode: status, error: httpErrorName(status), code: exception.code, message: exception.message };
  }
  const status = exception.getStatus();
  const raw = exception.getResponse();
  const error = httpErrorName(status);
  if (exception.cause instanceof SyntaxError) {
    const problem = { field: 'body', expected: `expected valid JSON (${exception.cause.message})` };
    return { statusCode: status, error, message: `${problem.field}: ${problem.expected}`, problems: [problem] };
  }
  const tooLarge = exception.cause as { type?: unknown; limit?: unknown; length?: unknown } | undefined;
  if (status === 413 && tooLarge?.type === 'entity.too.large') {
    // The words of the Kafka path's REJECTED and the WebSocket error for the same oversized order.
    const got = typeof tooLarge.length === 'number' ? `, got ${tooLarge.length}` : '';
    const problem = { field: 'body', expected: `expected at most ${String(tooLarge.limit)} bytes${got}` };
    return { statusCode: status, error, message: `${problem.field}: ${problem.expected}`, problems: [problem] };
  }
  if (typeof raw === 'object' && raw !== null && 'problems' in raw) return raw as ErrorBody;
  const message =
    typeof raw === 'string'
      ? raw
      : Array.isArray((raw as { message?: unknown }).message)
        ? (raw as { message: string[] }).message.join('; ')
        : String((raw as { message?: unknown }).message ?? exception.message);
  return { statusCode: status, error, message };
}

function httpErrorName(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return names[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
