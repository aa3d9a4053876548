import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { RefusalError, ResourceMovedError } from '../errors/domain-errors.js';
import { SecretMasker } from '../secrets/secret-masker.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable.js';
import { movedAnswer, refusalAnswer } from './domain-error-answer.js';
import { requestIdOf } from './request-id.js';

interface RequestLike {
  url: string;
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * Every error leaves as JSON with the request id. HttpExceptions keep their status and body; a
 * domain error answers as it says (a refusal: its 4xx and details; a moved resource: 308 to its new
 * URL), so controllers need no try/catch to translate them; the
 * database being unreachable is a 503 with Retry-After (the client should retry, not report a bug);
 * anything else is a 500 whose details are logged, never sent (no stack traces to clients). Every body that
 * leaves has configured secret values masked: a message may quote input or an upstream's answer.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  constructor(private readonly masker: SecretMasker = SecretMasker.none()) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<ReplyLike>();
    const request = ctx.getRequest<RequestLike>();
    const requestId = requestIdOf(request);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const body = typeof response === 'string' ? { statusCode: status, message: response } : response;
      reply.status(status).send(this.masker.maskDeep({ ...(body as object), request_id: requestId }));
      return;
    }
    if (exception instanceof RefusalError) {
      const { status, body } = refusalAnswer(exception);
      reply.status(status).send(this.masker.maskDeep({ ...body, request_id: requestId }));
      return;
    }
    if (exception instanceof ResourceMovedError) {
      const { status, headers, body } = movedAnswer(exception, request.url);
      for (const [name, value] of Object.entries(headers)) reply.header(name, value);
      reply.status(status).send(this.masker.maskDeep({ ...body, request_id: requestId ?? null }));
      return;
    }
    if (isBodyParserError(exception)) {
      const message = this.masker.mask(exception.message);
      const status = exception.statusCode;
      reply.status(status).send({ statusCode: status, error: 'Bad Request', message, request_id: requestId });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      // Expected during an outage: a warning, no stack (every request of the outage lands here).
      this.logger.warn(
        { requestId, reason: this.masker.mask(String((exception as Error)?.message)) },
        'database unavailable',
      );
      reply
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
        .send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: `The database is unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} s`,
          request_id: requestId,
        });
      return;
    }
    this.logger.error({ err: exception, requestId }, 'unhandled error');
    reply.status(HttpStatus.INTERNAL_SERVER_ERROR).send({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      request_id: requestId,
    });
  }
}

/** Fastify's own 4xx errors (bad JSON body, body too large) carry a statusCode < 500. */
function isBodyParserError(e: unknown): e is { statusCode: number; message: string } {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 500;
}
