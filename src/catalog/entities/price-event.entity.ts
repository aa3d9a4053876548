import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A consensus move published to the price stream: written in the batch's transaction (so a rolled-back
 * batch never produces one), its id is the SSE event id. Kept for a bounded recent window only, so a
 * reconnecting client (Last-Event-ID) can replay what it missed.
 */
@Entity('price_events')
@Index('ix_price_events_asset_id', ['assetId', 'id'])
@Index('ix_price_events_created_at', ['createdAt'])
export class PriceEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_price_events' })
  id: string;

  /** No foreign key: an event outlives a merge that retires its asset (it is history, pruned anyway). */
  @Column('uuid', { name: 'asset_id' })
  assetId: string;

  @Column('text')
  symbol: string;

  @Column('numeric', { name: 'consensus_price_usd', nullable: true })
  consensusPriceUsd: string | null;

  /** The per-source latest quotes the consensus was computed from (the /prices `sources` shape). */
  @Column('jsonb')
  sources: unknown;

  @Column('timestamptz', { name: 'observed_at', nullable: true })
  observedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
