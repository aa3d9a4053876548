import { InitialSchema1764201600000 } from './1764201600000-InitialSchema.js';
import { SourceLeases1764300000009 } from './1764300000009-SourceLeases.js';

/** Every migration, in order. Listed explicitly so src/ (ts-jest) and dist/ (node) load the same classes. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [InitialSchema1764201600000, SourceLeases1764300000009];
