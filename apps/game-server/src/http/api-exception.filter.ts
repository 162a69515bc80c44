/**
 * Every HTTP error answers with the same ErrorBody shape. Malformed JSON (a
 * body-parser SyntaxError) and an oversized body say so and name the body,
 * in the words the Kafka path uses, rather than echoing the parser's terse
 * message.
 */
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { ErrorBody } from '@banana-market/protocol';

interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
}

@Catch(HttpException)
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<JsonResponse>();
    response.status(exception.getStatus()).json(toErrorBody(exception));
  }
}

export function toErrorBody(exception: HttpException): ErrorBody {
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
    504: 'Gateway Timeout',
  };
  return names[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}
