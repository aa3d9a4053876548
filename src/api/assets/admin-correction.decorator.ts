import { applyDecorators, HttpCode, Post, type Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ApiErrorDto } from '../../common/http/api-error.dto.js';
import { AdminOnly } from '../../platform/http/admin-key.guard.js';

/** How one identity correction is routed and documented; each refusal names when it happens. */
export interface AdminCorrectionRoute {
  /** Below `/assets`, e.g. `:id/merge`. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  ok: Type<unknown>;
  badRequest: string;
  notFound: string;
  conflict: string;
}

/**
 * An admin-only POST answering 200 with the correction's result, and its 400/404/409 documented
 * with the error body. Applied bottom-up, as the same decorators stacked on the method would be.
 */
export function AdminCorrection(route: AdminCorrectionRoute): MethodDecorator {
  const decorators = [
    Post(route.path),
    HttpCode(200),
    AdminOnly(),
    ApiOperation({ operationId: route.operationId, summary: route.summary, description: route.description }),
    ApiOkResponse({ type: route.ok }),
    ApiBadRequestResponse({ type: ApiErrorDto, description: route.badRequest }),
    ApiNotFoundResponse({ type: ApiErrorDto, description: route.notFound }),
    ApiConflictResponse({ type: ApiErrorDto, description: route.conflict }),
  ];
  return applyDecorators(...decorators.reverse());
}
