import { validateEnv } from './validate-env.js';

/**
 * The environment the service was booted with (a frozen copy of `process.env`, or a test's own
 * env). Inject it into a plugin module's config factory with `@Inject(ENVIRONMENT)` / `inject:
 * [ENVIRONMENT]`, so nothing reads `process.env` directly and tests can boot with their own env.
 */
export const ENVIRONMENT = Symbol.for('@kasparro/etl-plugin-sdk:ENVIRONMENT');

/** The environment's shape: variable name to raw value. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates a source's own environment variables (each source owns its config) against a
 * class-validator schema and returns the typed instance. Unset or empty variables take the schema's
 * property defaults. Throws {@link InvalidEnvironmentError} at boot with every bad variable named.
 *
 * @example
 * ```ts
 * useFactory: (env: Environment) => loadSourceConfig(AcmeEnv, env)
 * ```
 */
export function loadSourceConfig<T extends object>(schema: new () => T, env: Environment): T {
  return validateEnv(schema, env);
}
