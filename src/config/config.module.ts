import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SecretMasker } from '../common/secrets/secret-masker.js';
import { AppConfig, buildAppConfig } from './app-config.js';

/**
 * The environment the application was booted with. Source modules validate their own variables
 * from it (each source owns its config), so nothing else reads `process.env` directly.
 */
export const ENVIRONMENT = Symbol('ENVIRONMENT');
export type Environment = Readonly<Record<string, string | undefined>>;

/** Provides the validated AppConfig, the raw environment and the SecretMasker everywhere. Tests pass their own env. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: Environment = process.env): DynamicModule {
    const snapshot = Object.freeze({ ...env });
    return {
      module: ConfigModule,
      providers: [
        { provide: ENVIRONMENT, useValue: snapshot },
        { provide: AppConfig, useValue: buildAppConfig(snapshot) },
        // Built at DI time: every schema (core and plugins) has declared its @SecretEnv() variables by then.
        { provide: SecretMasker, useFactory: () => SecretMasker.fromEnvironment(snapshot) },
      ],
      exports: [AppConfig, ENVIRONMENT, SecretMasker],
    };
  }
}
