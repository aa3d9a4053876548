import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import compress from '@fastify/compress';
import helmet from 'helmet';
import type { IncomingMessage } from 'node:http';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';
import { EnvelopeInterceptor } from './common/http/envelope.interceptor.js';
import { REQUEST_ID_HEADER, requestIdFor } from './common/http/request-id.js';
import { createValidationPipe } from './common/http/validation.js';
import { maskUrl, QUIET_ROUTES } from './platform/logging/logger.options.js';
import { SecretMasker } from './common/secrets/secret-masker.js';
import { AppConfig, buildAppConfig } from './platform/config/app-config.js';
import { MetricsService } from './platform/metrics/metrics.service.js';

/**
 * The HTTP adapter: fastify, request ids taken from X-Request-Id or generated. Built before the app
 * (so before AppConfig exists): it reads the same validated configuration from the same environment.
 */
export function createHttpAdapter(env: Readonly<Record<string, string | undefined>> = process.env): FastifyAdapter {
  const { api } = buildAppConfig(env);
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    // Long path parameters reach validation (a 400 naming the field) instead of a bare 414.
    routerOptions: { maxParamLength: 2048 },
    // Off by default: X-Forwarded-For/-Proto are believed only from the proxies named in TRUST_PROXY,
    // else any client could pick its own address (and so its own throttle bucket).
    trustProxy: typeof api.trustProxy === 'number' ? trustHops(api.trustProxy) : api.trustProxy,
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFor(req);
      // pino-http reuses req.id, so logs and the response header carry the same id.
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
  });
  // Large JSON answers are compressed when the client accepts it; below the threshold nothing is done.
  // Registered first, so its hook covers every route (Nest's and Swagger's) registered after it.
  if (api.compressionEnabled) {
    void adapter.getInstance().register(compress, { threshold: api.compressionThresholdBytes });
  }
  return adapter;
}

/**
 * Everything main.ts and the tests both need, so the tested app is the shipped app: logger, global
 * validation and error filter, security headers, CORS, Swagger, request metrics, shutdown hooks.
 */
export function setupApp(app: NestFastifyApplication): INestApplication {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(SecretMasker)));
  app.useGlobalInterceptors(new EnvelopeInterceptor());
  app.enableCors({ origin: config.api.corsOrigins === '*' ? true : [...config.api.corsOrigins] });
  const securityHeaders = securityHeadersFor(config.api.httpsSecurityHeaders);
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    securityHeaders(request.protocol === 'https')(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });
  // One structured line per request (pino-http's middleware does not run under Fastify here).
  // Credentials are removed by the logger's redact paths; URLs have key-like parameters masked.
  const http = new NestLogger('HTTP');
  // Success lines are info: below that level the entry is not even built (hot path under load).
  const logSuccesses = ['trace', 'debug', 'info'].includes(config.logLevel);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.apiRequest({
      method: request.method,
      route,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
    if ((logSuccesses || reply.statusCode >= 500) && !QUIET_ROUTES.has(request.url.split('?')[0])) {
      const entry = {
        http: {
          requestId: request.id,
          method: request.method,
          url: maskUrl(request.url),
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          remoteAddress: request.ip,
          headers: request.headers,
        },
      };
      if (reply.statusCode >= 500) http.error(entry, 'request failed');
      else http.log(entry, 'request completed');
    }
    done();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kasparro ETL')
      .setDescription('Crypto market data and news from several sources, normalised into one canonical model.')
      .setVersion('1.0')
      .addApiKey({ type: 'apiKey', name: 'x-api-key', in: 'header' }, 'admin-key')
      .build(),
    // `<area>_<action>` (e.g. runs_compare): stable, readable names for generated clients.
    {
      operationIdFactory: (controller: string, method: string) =>
        `${lowerFirst(controller.replace(/Controller$/, ''))}_${method}`,
    },
  );
  // Registered as a plugin so its routes are added once the compression plugin (registered with the
  // adapter) has loaded: /docs-json is a large JSON answer too.
  void fastify.register((_instance, _opts, done) => {
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
    done();
  });

  app.enableShutdownHooks();
  return app;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Trust the nearest `hops` proxies (what fastify does for a number, which its types do not declare). */
const trustHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

type Middleware = ReturnType<typeof helmet>;

/**
 * Security headers: the helmet middlewares are built once (the Fastify plugin rebuilds them on every
 * request) and run as the first hook, so every response, errors included, carries them.
 * HSTS and the CSP's upgrade-insecure-requests are sent only on requests that came over HTTPS
 * (request.protocol, which honours X-Forwarded-Proto from a TRUST_PROXY proxy) in `auto` mode:
 * over plain HTTP on any host but localhost they make the browser rewrite Swagger UI's assets to
 * https and /docs is a blank page. `always` / `never` force them (HTTPS_SECURITY_HEADERS).
 */
export function securityHeadersFor(mode: AppConfig['api']['httpsSecurityHeaders']): (https: boolean) => Middleware {
  const build = (https: boolean): Middleware =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Swagger UI needs inline scripts and styles.
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      strictTransportSecurity: https,
    });
  const secure = build(true);
  const plain = build(false);
  if (mode === 'always') return () => secure;
  if (mode === 'never') return () => plain;
  return (https) => (https ? secure : plain);
}
