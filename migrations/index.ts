import { InitialSchema1764201600000 } from './1764201600000-InitialSchema.js';
import { RetryWaitsAndRssPublisherKeys1764300000005 } from './1764300000005-RetryWaitsAndRssPublisherKeys.js';
import { AssetIdentityAudit1764300000008 } from './1764300000008-AssetIdentityAudit.js';
import { RunAnomalyLedger1764300000019 } from './1764300000019-RunAnomalyLedger.js';

/** Every migration, in order. Listed explicitly so src/ (ts-jest) and dist/ (node) load the same classes. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  InitialSchema1764201600000,
  RetryWaitsAndRssPublisherKeys1764300000005,
  AssetIdentityAudit1764300000008,
  RunAnomalyLedger1764300000019,
];
