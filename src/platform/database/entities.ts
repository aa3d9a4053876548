import { AssetIdentityAuditEntity } from '../../catalog/entities/asset-identity-audit.entity.js';
import { AssetRedirectEntity } from '../../catalog/entities/asset-redirect.entity.js';
import { AssetSourceIdEntity } from '../../catalog/entities/asset-source-id.entity.js';
import { AssetEntity } from '../../catalog/entities/asset.entity.js';
import { IdentityEpochEntity } from '../../catalog/entities/identity-epoch.entity.js';
import { LatestQuoteEntity } from '../../catalog/entities/latest-quote.entity.js';
import { MarketQuoteEntity } from '../../catalog/entities/market-quote.entity.js';
import { NewsAssetMentionEntity } from '../../catalog/entities/news-asset-mention.entity.js';
import { NewsItemEntity } from '../../catalog/entities/news-item.entity.js';
import { QuoteRollupEntity } from '../../catalog/entities/quote-rollup.entity.js';
import { BackfillChunkEntity } from '../../etl/backfill/backfill-chunk.entity.js';
import { BackfillEntity } from '../../etl/backfill/backfill.entity.js';
import { CheckpointEntity } from '../../etl/checkpoint/checkpoint.entity.js';
import { SourceLeaseEntity } from '../../etl/checkpoint/source-lease.entity.js';
import { SourceCounterEntity } from '../../catalog/counters/source-counter.entity.js';
import { DriftEventEntity } from '../../etl/drift/drift-event.entity.js';
import { DriftFieldBaselineEntity } from '../../etl/drift/drift-field-baseline.entity.js';
import { DriftRejectedRenameEntity } from '../../etl/drift/drift-rejected-rename.entity.js';
import { PriceEventEntity } from '../../catalog/entities/price-event.entity.js';
import { QuarantinedRecordEntity } from '../../etl/quarantine/quarantined-record.entity.js';
import { RawRecordEntity } from '../../etl/raw/raw-record.entity.js';
import { EtlRunEntity } from '../../etl/ledger/etl-run.entity.js';
import { EtlSourceRunEntity } from '../../etl/ledger/etl-source-run.entity.js';

/** Every entity, listed explicitly: globs break between src/ and dist/. */
export const ENTITIES = [
  AssetEntity,
  AssetSourceIdEntity,
  IdentityEpochEntity,
  MarketQuoteEntity,
  LatestQuoteEntity,
  QuoteRollupEntity,
  NewsItemEntity,
  NewsAssetMentionEntity,
  RawRecordEntity,
  CheckpointEntity,
  SourceLeaseEntity,
  DriftEventEntity,
  DriftRejectedRenameEntity,
  DriftFieldBaselineEntity,
  QuarantinedRecordEntity,
  EtlRunEntity,
  EtlSourceRunEntity,
  AssetIdentityAuditEntity,
  AssetRedirectEntity,
  BackfillEntity,
  BackfillChunkEntity,
  PriceEventEntity,
  SourceCounterEntity,
];
