import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestampSql } from '../../common/sql/iso-timestamp.js';
import type { SourcePriceDto } from './dto/prices.dto.js';

/** The channel a committed batch notifies (payload: its newest event id) and every API process listens on. */
export const PRICE_EVENTS_CHANNEL = 'price_events';

/**
 * Serialises the event-writing tail of concurrent batches (transaction-scoped advisory lock): event
 * ids are then taken and committed in order, so a reader that follows `id > last seen` never skips a
 * row committed late with a smaller id. Arbitrary constant, unique in this schema.
 */
const PRICE_EVENTS_LOCK = 7_263_105_021;

/** One asset's consensus as a batch left it: published when it differs from the last event kept. */
export interface PriceCandidate {
  assetId: string;
  consensusPriceUsd: string | null;
  sources: SourcePriceDto[];
  observedAt: string | null;
}

export interface PriceEventRow {
  id: string;
  asset_id: string;
  symbol: string;
  consensus_price_usd: string | null;
  sources: SourcePriceDto[];
  observed_at: string | null;
}

const EVENT_COLUMNS = `e.id::text AS id, e.asset_id::text AS asset_id, e.symbol, e.consensus_price_usd::text AS consensus_price_usd, e.sources,
  ${isoTimestampSql('e.observed_at')} AS observed_at`;

@Injectable()
export class PriceEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Taken before the batch computes the consensus it compares and publishes (held until commit). */
  async lockPublishing(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1)`, [PRICE_EVENTS_LOCK]);
  }

  /**
   * Inserts an event for each candidate whose consensus differs (numerically) from the asset's last
   * kept event (none kept: an event unless the consensus is null), then notifies the channel; the
   * notification is delivered on commit only. Returns the new events' count.
   */
  async publishMoved(manager: EntityManager, candidates: readonly PriceCandidate[]): Promise<number> {
    if (candidates.length === 0) return 0;
    const rows = (await manager.query(
      `INSERT INTO price_events (asset_id, symbol, consensus_price_usd, sources, observed_at)
       SELECT t.asset_id, a.symbol, t.consensus, t.sources, t.observed_at
         FROM unnest($1::uuid[], $2::numeric[], $3::jsonb[], $4::timestamptz[]) WITH ORDINALITY AS t(asset_id, consensus, sources, observed_at, ord)
         JOIN assets a ON a.id = t.asset_id
         LEFT JOIN LATERAL (SELECT true AS found, e.consensus_price_usd FROM price_events e WHERE e.asset_id = t.asset_id ORDER BY e.id DESC LIMIT 1) prev ON true
        WHERE CASE WHEN prev.found IS NULL THEN t.consensus IS NOT NULL ELSE prev.consensus_price_usd IS DISTINCT FROM t.consensus END
        ORDER BY t.ord
       RETURNING id::text`,
      [
        candidates.map((c) => c.assetId),
        candidates.map((c) => c.consensusPriceUsd),
        candidates.map((c) => JSON.stringify(c.sources)),
        candidates.map((c) => c.observedAt),
      ],
    )) as Array<{ id: string }>;
    if (rows.length > 0) {
      await manager.query(`SELECT pg_notify($1, $2)`, [PRICE_EVENTS_CHANNEL, rows[rows.length - 1].id]);
    }
    return rows.length;
  }

  /** Events older than the retention window go (indexed on created_at: cheap when there is nothing to prune). */
  async prune(manager: EntityManager, retentionSeconds: number): Promise<number> {
    const [, count] = (await manager.query(
      `DELETE FROM price_events WHERE created_at < now() - make_interval(secs => $1)`,
      [retentionSeconds],
    )) as [unknown, number];
    return count;
  }

  /** Events after `afterId`, oldest first. */
  async listAfter(afterId: string, limit: number): Promise<PriceEventRow[]> {
    return (await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM price_events e WHERE e.id > $1::bigint ORDER BY e.id LIMIT $2`,
      [afterId, limit],
    )) as PriceEventRow[];
  }

  /** The newest event id ('0' when none): where a process starts following the stream. */
  async newestId(): Promise<string> {
    const rows = (await this.dataSource.query(`SELECT coalesce(max(id), 0)::text AS id FROM price_events`)) as Array<{
      id: string;
    }>;
    return rows[0].id;
  }
}
