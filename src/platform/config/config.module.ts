import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ENVIRONMENT, type Environment } from '@kasparro/etl-plugin-sdk';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { AppConfig, buildAppConfig } from './app-config.js';

// The environment token is the SDK's (one token for the service and every plugin): see ENVIRONMENT's TSDoc there.
export { ENVIRONMENT, type Environment } from '@kasparro/etl-plugin-sdk';

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
