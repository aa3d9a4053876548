import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { SourcesBusyError } from '../errors.js';
import { BackfillNotFoundError, BackfillRequestError, QuarantineEntriesNotOpenError, RunFinishedError, RunNotFoundError, UnknownSourceIdError, UnknownStreamError } from './operation-errors.js';

/**
 * The HTTP answer for an operation's domain error (the CLI prints the same messages). `sourceIn` says
 * whether the source id came from the path (404: no such resource) or from the body (400).
 */
export function toHttpError(err: unknown, sourceIn: 'path' | 'body'): unknown {
  if (err instanceof SourcesBusyError) {
    return new ConflictException({ statusCode: 409, error: 'Conflict', message: `Sources running now: ${err.sources.join(', ')}; retry when the run ends`, running: err.sources });
  }
  if (err instanceof RunFinishedError) return new ConflictException({ statusCode: 409, error: 'Conflict', message: err.message, status: err.status });
  if (err instanceof RunNotFoundError || err instanceof QuarantineEntriesNotOpenError) return new NotFoundException(err.message);
  if (err instanceof UnknownSourceIdError) {
    if (sourceIn === 'path') return new NotFoundException(err.message);
    return badRequest('source', err.message);
  }
  if (err instanceof UnknownStreamError) return badRequest('streams', err.message);
  if (err instanceof BackfillRequestError) return badRequest(err.field, err.message);
  if (err instanceof BackfillNotFoundError) return new NotFoundException(err.message);
  return err;
}

export function badRequest(field: string, message: string): HttpException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, errors: [{ field, message }] });
}
