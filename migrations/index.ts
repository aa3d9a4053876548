import { InitialSchema1764201600000 } from './1764201600000-InitialSchema.js';
import { PoisonRowsAndDuplicates1764300000001 } from './1764300000001-PoisonRowsAndDuplicates.js';

/** Every migration, in order. Listed explicitly so src/ (ts-jest) and dist/ (node) load the same classes. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [InitialSchema1764201600000, PoisonRowsAndDuplicates1764300000001];
