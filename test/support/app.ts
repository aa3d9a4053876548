import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { createHttpAdapter, setupApp } from '../../src/app.setup.js';
import { testEnv } from './env.js';

/**
 * Builds the app exactly as main.ts does (same module, adapter and setup), ready for supertest.
 * `extraImports` adds test-only modules (e.g. a test source plugin) next to AppModule.
 */
export async function createTestApp(
  env: Record<string, string | undefined>,
  extraImports: Array<Type | DynamicModule> = [],
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(testEnv(env)), ...extraImports],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(testEnv(env)), {
    bufferLogs: true,
  });
  setupApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
