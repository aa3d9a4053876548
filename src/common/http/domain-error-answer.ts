import { HttpStatus } from '@nestjs/common';
import { RefusalError, ResourceMovedError, type RefusalStatus } from '../errors/domain-errors.js';
import { movedLocation } from './moved-location.js';

const REASONS: Record<RefusalStatus, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' };

/** The status, headers and body (before the request id) the API answers a domain error with. */
export interface DomainErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A refusal's answer: its status and reason, its message, then its details (see RefusalError). */
export function refusalAnswer(error: RefusalError): DomainErrorAnswer {
  const statusCode = error.httpStatus;
  const reason = REASONS[statusCode];
  const message = error.httpMessage;
  const details = error.details;
  const body =
    details === undefined ? { message, error: reason, statusCode } : { statusCode, error: reason, message, ...details };
  return { status: statusCode, headers: {}, body };
}

/** A moved resource's answer: 308 (the client re-sends the same method and body) to its new URL. */
export function movedAnswer(error: ResourceMovedError, requestUrl: string): DomainErrorAnswer {
  const location = movedLocation(requestUrl, error.fromId, error.toId);
  return {
    status: HttpStatus.PERMANENT_REDIRECT,
    headers: { location },
    body: { statusCode: HttpStatus.PERMANENT_REDIRECT, message: error.message, ...error.details, location },
  };
}
