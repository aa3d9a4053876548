import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  applyDecorators,
  UseGuards,
} from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { ApiErrorDto } from '../../common/http/api-error.dto.js';

export const ADMIN_KEY_HEADER = 'x-api-key';

/** Compares without leaking where the strings differ or (by hashing first) their lengths. */
export function keysMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Admin endpoints need `x-api-key: <ADMIN_API_KEY>`. 401 when missing or wrong; 403 when the
 * service has no ADMIN_API_KEY (admin disabled). A key in the query string is refused: URLs end up
 * in logs and proxies.
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined>; query?: Record<string, unknown> }>();
    if (!this.config.adminApiKey) {
      throw new ForbiddenException('Admin endpoints are disabled: set ADMIN_API_KEY on the service to enable them');
    }
    const query = request.query ?? {};
    if (Object.keys(query).some((k) => /^(x-)?api[-_]?key$/i.test(k))) {
      throw new UnauthorizedException('Send the admin key in the x-api-key header, never in the query string');
    }
    const header = request.headers[ADMIN_KEY_HEADER];
    const given = Array.isArray(header) ? header[0] : header;
    if (!given) throw new UnauthorizedException('Missing x-api-key header');
    if (!keysMatch(given, this.config.adminApiKey)) throw new UnauthorizedException('Invalid admin key');
    return true;
  }
}

/** Marks a route as admin-only (guard + Swagger security and responses). */
export function AdminOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(AdminKeyGuard),
    ApiSecurity('admin-key'),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'Missing or wrong x-api-key' }),
    ApiForbiddenResponse({ type: ApiErrorDto, description: 'Admin endpoints disabled (ADMIN_API_KEY unset)' }),
  );
}
