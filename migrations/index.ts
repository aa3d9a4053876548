import { InitialSchema1764201600000 } from './1764201600000-InitialSchema.js';
import { PoisonRowsAndDuplicates1764300000001 } from './1764300000001-PoisonRowsAndDuplicates.js';
import { DriftRenameEvidence1764300000004 } from './1764300000004-DriftRenameEvidence.js';
import { RetryWaitsAndRssPublisherKeys1764300000005 } from './1764300000005-RetryWaitsAndRssPublisherKeys.js';
import { IdentityEvidence1764300000006 } from './1764300000006-IdentityEvidence.js';
import { AssetIdentityAudit1764300000008 } from './1764300000008-AssetIdentityAudit.js';
import { SourceLeases1764300000009 } from './1764300000009-SourceLeases.js';
import { StreamOperations1764300000010 } from './1764300000010-StreamOperations.js';
import { RunAnomalyLedger1764300000019 } from './1764300000019-RunAnomalyLedger.js';
import { PartitionedQuotesAndRaw1764300000020 } from './1764300000020-PartitionedQuotesAndRaw.js';
import { RawRecordChunks1764300000021 } from './1764300000021-RawRecordChunks.js';
import { SourceCounters1764300000025 } from './1764300000025-SourceCounters.js';
import { LedgerCountsBigint1764300000026 } from './1764300000026-LedgerCountsBigint.js';
import { LatestQuotesAndPriceEvents1764300000030 } from './1764300000030-LatestQuotesAndPriceEvents.js';
import { QuoteRollups1764300000035 } from './1764300000035-QuoteRollups.js';

/** Every migration, in order. Listed explicitly so src/ (ts-jest) and dist/ (node) load the same classes. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  InitialSchema1764201600000,
  PoisonRowsAndDuplicates1764300000001,
  DriftRenameEvidence1764300000004,
  RetryWaitsAndRssPublisherKeys1764300000005,
  IdentityEvidence1764300000006,
  AssetIdentityAudit1764300000008,
  SourceLeases1764300000009,
  StreamOperations1764300000010,
  RunAnomalyLedger1764300000019,
  PartitionedQuotesAndRaw1764300000020,
  RawRecordChunks1764300000021,
  SourceCounters1764300000025,
  LedgerCountsBigint1764300000026,
  LatestQuotesAndPriceEvents1764300000030,
  QuoteRollups1764300000035,
];
