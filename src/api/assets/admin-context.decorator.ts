import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { requestIdOf } from '../../common/http/request-id.js';
import { ADMIN_KEY_HEADER } from '../../platform/http/admin-key.guard.js';
import type { AdminContext } from './asset-admin.service.js';

interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** Which admin key acted (the key is shared, so its fingerprint, never the key). */
function actorOf(request: AdminRequest): string {
  const header = request.headers[ADMIN_KEY_HEADER];
  const key = Array.isArray(header) ? header[0] : header;
  return `admin-key:${createHash('sha256')
    .update(key ?? '')
    .digest('hex')
    .slice(0, 8)}`;
}

/** Who asked for a correction, for its audit entry: the admin key's fingerprint and the request id. */
export const AdminActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminContext => {
  const request = ctx.switchToHttp().getRequest<AdminRequest>();
  return { actor: actorOf(request), requestId: requestIdOf(request) ?? null };
});
