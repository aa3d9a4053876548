/**
 * Names of environment variables whose values are secrets, declared next to the schema that owns
 * them with `@SecretEnv()`. Decorators run when the schema's module is imported, so by the time the
 * application is composed every built-in and plugin schema has declared its secrets.
 */
// Kept on globalThis under a registered symbol so a second copy of the SDK (a mistake, but a
// plausible one with a bundled plugin) still declares into the service's set.
const REGISTRY = Symbol.for('@kasparro/etl-plugin-sdk:declared-secrets');
const DECLARED: Set<string> = ((globalThis as Record<symbol, Set<string> | undefined>)[REGISTRY] ??= new Set<string>());

/**
 * Marks an environment variable of a config schema (core or plugin) as a secret: its value is masked
 * in every log line, error message, ledger row and API error response. A URL-valued secret (like
 * DATABASE_URL) also has its password masked on its own.
 *
 * @example
 * ```ts
 * export class MySourceEnv {
 *   @SecretEnv() @IsOptional() @IsString()
 *   MYSOURCE_API_KEY?: string;
 * }
 * ```
 */
export function SecretEnv(): PropertyDecorator {
  return (_target, property) => {
    if (typeof property === 'string') DECLARED.add(property);
  };
}

/** Every variable declared with `@SecretEnv()` so far. */
export function declaredSecretVariables(): ReadonlySet<string> {
  return DECLARED;
}

/**
 * The safety net for variables nobody declared: names that say they hold a credential
 * (`*_API_KEY`, `*_SECRET`, `*_TOKEN`, `*_PASSWORD`, ...).
 */
const CREDENTIAL_NAME = /(^|_)(API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET|PASSWORD|PASSWD|PASS|TOKEN|CREDENTIALS?)(_|$)/i;

/** True when a variable's name says it holds a credential, declared or not. */
export function looksLikeSecretName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}
