/**
 * Bearer-token checks: the coach's admin token for game controls, a trader's
 * own token for actions (which also tells which trader is acting).
 */
import { timingSafeEqual } from 'node:crypto';
import { createParamDecorator, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { TraderKey } from '@banana-market/protocol';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { TraderRegistry } from '../game/trader-registry.service.js';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  trader?: TraderKey;
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

/** Whether a request's Authorization header carries the admin token (compared in constant time). */
export function carriesAdminToken(header: string | string[] | undefined, adminToken: string): boolean {
  const token = bearerToken(header);
  if (token === undefined) return false;
  const expected = Buffer.from(adminToken);
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(SERVER_CONFIG) private readonly config: ServerConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<AuthenticatedRequest>().headers.authorization;
    if (bearerToken(header) === undefined) throw new UnauthorizedException('Authorization: expected "Bearer <admin token>"');
    if (!carriesAdminToken(header, this.config.adminToken)) throw new UnauthorizedException('Authorization: the admin token is wrong');
    return true;
  }
}

@Injectable()
export class TraderTokenGuard implements CanActivate {
  constructor(private readonly registry: TraderRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new UnauthorizedException('Authorization: expected "Bearer <trader token>" (POST /api/traders gives one)');
    }
    const trader = this.registry.traderForToken(token);
    if (trader === undefined) throw new UnauthorizedException(`Authorization: ${this.registry.tokenRefusal(token)}`);
    request.trader = trader;
    return true;
  }
}

/** The trader whose token authorised the request (use with TraderTokenGuard). */
export const ActingTrader = createParamDecorator((_: unknown, context: ExecutionContext): TraderKey => {
  const trader = context.switchToHttp().getRequest<AuthenticatedRequest>().trader;
  if (trader === undefined) throw new UnauthorizedException('no trader token');
  return trader;
});
