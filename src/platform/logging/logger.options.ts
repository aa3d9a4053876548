import { Logger } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';
import { MIN_SECRET_LENGTH, SecretMasker } from '../../common/secrets/secret-masker.js';

/** Headers and fields that may carry credentials: never written to logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-cg-demo-api-key"]',
  'req.headers["x-cg-pro-api-key"]',
  'res.headers["set-cookie"]',
  '*.apiKey',
  '*.api_key',
  '*.adminApiKey',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.headers["x-cg-demo-api-key"]',
  '*.headers["x-cg-pro-api-key"]',
  '*.databaseUrl',
];

const SECRET_PARAM = /(key|token|secret|password|auth)/i;

/** A URL with the values of credential-like query parameters masked, for logging. */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAM.test(name)) params.set(name, '[Redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** Probes and scrapes every few seconds would drown the useful lines. */
export const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

let logFd: 1 | 2 = 1;

/**
 * Log lines go to stderr from now on (stdout by default). For the CLI, whose stdout carries its
 * result (pure JSON with --json) and must stay parseable.
 */
export function sendLogsToStderr(): void {
  logFd = 2;
}

/** The file descriptor log lines go to (1 = stdout, 2 = stderr for the CLI). */
export function logDestinationFd(): 1 | 2 {
  return logFd;
}

export function buildLoggerParams(config: AppConfig, masker: SecretMasker = SecretMasker.none()): Params {
  if (masker.tooShort.length > 0) {
    // Through the Nest logger (buffered until pino is installed), naming the variables, never the values.
    new Logger('SecretMasker').warn(
      { variables: masker.tooShort },
      `secrets shorter than ${MIN_SECRET_LENGTH} characters cannot be masked in logs and errors: use longer values`,
    );
  }
  const options: Options = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    // The last line of defence: redact only knows paths, but a secret can ride in any string (an
    // upstream's error body echoing the key, an error's stack). The serialised line is masked whole.
    hooks: { streamWrite: (line: string) => masker.mask(line) },
    // Requests are logged by the Fastify onResponse hook (app.setup.ts).
    autoLogging: false,
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: maskUrl(req.url),
        headers: req.headers,
      }),
    },
    customProps: () => ({ service: 'kasparro-etl' }),
  };
  return { pinoHttp: logFd === 1 ? options : [options, pino.destination({ fd: logFd, sync: true })] };
}
