import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { AppModule } from './app.module.js';
import { createHttpAdapter, setupApp } from './app.setup.js';
import { writeBootLog } from './platform/logging/boot-log.js';
import { SecretMasker } from './common/secrets/secret-masker.js';
import { AppConfig } from './platform/config/app-config.js';

async function bootstrap(): Promise<void> {
  // A local .env is a convenience for development; real deployments set the environment.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(process.env), createHttpAdapter(), {
    bufferLogs: true,
    // Until pino takes over (and if boot fails before it does), Nest's own lines are JSON too: no ANSI.
    logger: new ConsoleLogger({ json: true }),
    abortOnError: false,
  });
  try {
    setupApp(app);
    const { port } = app.get(AppConfig);
    await app.listen(port, '0.0.0.0');
  } catch (err) {
    // Close first so an embedded database started during boot is not left running.
    await app.close();
    throw err;
  }
}

bootstrap().catch((err: unknown) => {
  // The logger may not exist yet (e.g. invalid configuration): one JSON line, and fail.
  // A failed connection's message can quote the database URL: mask the configured secrets here too.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const error = SecretMasker.fromEnvironment(process.env).mask(message);
  writeBootLog({ level: 'error', context: 'Bootstrap', msg: 'service failed to start', fields: { error } });
  process.exit(1);
});
