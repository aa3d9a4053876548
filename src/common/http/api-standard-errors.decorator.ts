import { applyDecorators } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import { ApiErrorDto } from './api-error.dto.js';
import { DATABASE_RETRY_AFTER_SECONDS } from './database-unavailable.js';

export interface StandardErrorsOptions {
  /** 400: what is validated (default: the parameters / body). */
  badRequest?: string;
  /** 404, for routes with a path parameter or a looked-up resource: what is not found. */
  notFound?: string;
  /** 409, for writes that can conflict with the current state: when. */
  conflict?: string;
  /** 400 is left out for routes that take no input at all. */
  noInput?: boolean;
}

const error = (
  status: number,
  description: string,
  headers?: Record<string, { description: string; schema: object }>,
) => ApiResponse({ status, description, type: ApiErrorDto, headers });

/**
 * The error answers every API operation can give, documented with the error schema (ApiErrorDto):
 * 400 (unless `noInput`), 429 (throttle), 503 (database unavailable), and 404 / 409 when asked.
 * Admin routes get 401/403 from `@AdminOnly()`. Put it on the controller class (every route) and
 * on a method for its own 404/409: the method's entries win. The openapi-completeness test fails
 * for an operation that misses one.
 *
 * @example
 * ```ts
 * @ApiStandardErrors()
 * @Controller('widgets')
 * export class WidgetsController {
 *   @Get(':id')
 *   @ApiStandardErrors({ notFound: 'No such widget' })
 *   get(@Param() p: WidgetIdDto) { ... }
 * }
 * ```
 */
export function ApiStandardErrors(options: StandardErrorsOptions = {}): MethodDecorator & ClassDecorator {
  const decorators = [
    error(429, 'Too many requests from this client: retry after Retry-After seconds', {
      'Retry-After': { description: 'Seconds until the client may retry', schema: { type: 'integer' } },
      'X-RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' } },
      'X-RateLimit-Remaining': { description: 'Requests left in this window', schema: { type: 'integer' } },
      'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
    }),
    error(503, `The database is unavailable: retry after Retry-After (${DATABASE_RETRY_AFTER_SECONDS} s)`, {
      'Retry-After': { description: 'Seconds until a retry is worthwhile', schema: { type: 'integer' } },
    }),
  ];
  if (!options.noInput) {
    decorators.push(error(400, options.badRequest ?? 'Invalid parameters: the body lists each bad field'));
  }
  if (options.notFound) decorators.push(error(404, options.notFound));
  if (options.conflict) decorators.push(error(409, options.conflict));
  return applyDecorators(...decorators);
}

/**
 * A route outside the throttle (probes, scrapes): the guard skips it and the document says so
 * (`x-throttle: exempt`), so no 429 is promised.
 */
export function NotThrottled(): MethodDecorator & ClassDecorator {
  return applyDecorators(SkipThrottle(), ApiExtension('x-throttle', 'exempt'));
}
