import { CallHandler, ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { requestIdOf } from './request-id.js';

/**
 * Completes the shared response envelope: any body of the form `{ data, ... }` gets
 * `metadata: { request_id, api_latency_ms }` (added to the controller's own metadata, if any). Other bodies (health, metrics text) pass untouched.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = process.hrtime.bigint();
    const request = context.switchToHttp().getRequest<unknown>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (!body || typeof body !== 'object' || Array.isArray(body) || !('data' in body)) return body;
        const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
        // A controller's own metadata (e.g. /prices `not_found`) is kept next to the shared fields.
        const own = (body as { metadata?: unknown }).metadata;
        const extra = own && typeof own === 'object' && !Array.isArray(own) ? own : {};
        return {
          ...body,
          metadata: {
            ...extra,
            request_id: requestIdOf(request) ?? null,
            api_latency_ms: Math.round(latencyMs * 100) / 100,
          },
        };
      }),
    );
  }
}
