import { ArgumentsHost, Catch, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import { requestIdOf } from '../common/http/request-id.js';

/** A GET on an asset id a merge absorbed: answered 308 to the same resource of the survivor. */
export class AssetMovedException extends Error {
  constructor(readonly fromId: string, readonly toId: string) {
    super(`Asset ${fromId} was merged into ${toId}`);
    this.name = 'AssetMovedException';
  }
}

interface RequestLike { url: string }
interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

/**
 * The survivor's URL: the absorbed id's path segment replaced, the rest of the path (sub-resources)
 * and the query string kept. 308, not 301: a client re-sends the same method and body.
 */
export function survivorLocation(url: string, fromId: string, toId: string): string {
  const [path, ...query] = url.split('?');
  const moved = path
    .split('/')
    .map((segment) => (segment.toLowerCase() === fromId.toLowerCase() ? toId : segment))
    .join('/');
  return query.length > 0 ? `${moved}?${query.join('?')}` : moved;
}

@Catch(AssetMovedException)
export class AssetMovedFilter implements ExceptionFilter {
  catch(exception: AssetMovedException, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<RequestLike>();
    const location = survivorLocation(request.url, exception.fromId, exception.toId);
    ctx.getResponse<ReplyLike>().status(HttpStatus.PERMANENT_REDIRECT).header('location', location).send({
      statusCode: HttpStatus.PERMANENT_REDIRECT,
      message: exception.message,
      merged_into: exception.toId,
      location,
      request_id: requestIdOf(request) ?? null,
    });
  }
}
