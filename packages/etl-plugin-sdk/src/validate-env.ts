import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { declaredSecretVariables } from './secret-env.js';

type ClassConstructor<T> = new () => T;

/** Raised at boot when an environment variable is invalid; the message names every bad variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Validates `env` against a class-validator schema and returns the typed instance. Unset or empty
 * variables fall back to the schema's property defaults. Throws InvalidEnvironmentError listing each
 * bad variable with what is allowed.
 */
export function validateEnv<T extends object>(
  schema: ClassConstructor<T>,
  env: Readonly<Record<string, string | undefined>>,
): T {
  const defaults = new schema() as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(defaults).concat(Object.keys(env))) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const instance = plainToInstance(schema, { ...stripUndefined(defaults), ...pick(input, defaults, schema) });
  const errors = validateSync(instance as object, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) throw new InvalidEnvironmentError(errors.map(describe));
  return instance;
}

function describe(error: ValidationError): string {
  const shown = isSecret(error.property) ? '<redacted>' : JSON.stringify(error.value);
  return `${error.property}=${shown}: ${Object.values(error.constraints ?? {}).join('; ')}`;
}

function isSecret(name: string): boolean {
  // Declared secrets (`@SecretEnv()`, e.g. REDIS_URL) and anything named like one.
  return declaredSecretVariables().has(name) || /KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL/i.test(name);
}

function stripUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** Only keys the schema declares (as defaults or decorated optional properties) are read. */
function pick<T>(
  input: Record<string, unknown>,
  defaults: Record<string, unknown>,
  schema: ClassConstructor<T>,
): Record<string, unknown> {
  const declared = new Set([...Object.keys(defaults), ...declaredProperties(schema)]);
  return Object.fromEntries(Object.entries(input).filter(([k]) => declared.has(k)));
}

function declaredProperties<T>(schema: ClassConstructor<T>): string[] {
  // Optional properties have no default value, so their names come from class-validator's metadata.
  return getMetadataStorage()
    .getTargetValidationMetadatas(schema, '', true, false)
    .map((m) => m.propertyName);
}
