import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { movedAnswer } from '../common/http/domain-error-answer.js';
import { requestIdOf } from '../common/http/request-id.js';
import { AssetMovedException } from './asset-moved.error.js';

export { AssetMovedException };

interface RequestLike { url: string }
interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * @deprecated The global AllExceptionsFilter answers every moved resource (the same answer); kept
 * only while assets.controller.ts still names this filter. Delete it with that `@UseFilters`.
 */
@Catch(AssetMovedException)
export class AssetMovedFilter implements ExceptionFilter {
  catch(exception: AssetMovedException, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<RequestLike>();
    const { status, headers, body } = movedAnswer(exception, request.url);
    const reply = ctx.getResponse<ReplyLike>().status(status);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.send({ ...body, request_id: requestIdOf(request) ?? null });
  }
}
