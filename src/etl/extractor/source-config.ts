import { validateEnv } from '../../config/validate-env.js';
import type { Environment } from '../../config/config.module.js';

export { ENVIRONMENT } from '../../config/config.module.js';
export { SecretEnv } from '../../common/secrets/secret-variables.js';
export type { Environment } from '../../config/config.module.js';

/**
 * Validates a source's own environment variables (each source owns its config). Throws at boot with
 * every bad variable named, like the core config does.
 */
export function loadSourceConfig<T extends object>(schema: new () => T, env: Environment): T {
  return validateEnv(schema, env);
}
