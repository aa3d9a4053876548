import { InitialSchema1764201600000 } from './1764201600000-InitialSchema.js';
import { IdentityEvidence1764300000006 } from './1764300000006-IdentityEvidence.js';

/** Every migration, in order. Listed explicitly so src/ (ts-jest) and dist/ (node) load the same classes. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [InitialSchema1764201600000, IdentityEvidence1764300000006];
