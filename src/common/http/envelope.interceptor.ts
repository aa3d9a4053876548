import { CallHandler, ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { requestIdOf } from './request-id.js';

/**
 * Completes the shared response envelope: any body of the form `{ data, ... }` gets
 * `metadata: { request_id, api_latency_ms }`. Other bodies (health, metrics text) pass untouched.
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
        return { ...body, metadata: { request_id: requestIdOf(request) ?? null, api_latency_ms: Math.round(latencyMs * 100) / 100 } };
      }),
    );
  }
}
