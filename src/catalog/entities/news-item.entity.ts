import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A news article, deduplicated per source by guid or by link without its query string. */
@Entity('news_items')
@Unique('uq_news_items_source_dedupe', ['source', 'dedupeKey'])
@Index('ix_news_items_published_id', ['publishedAt', 'id'])
export class NewsItemEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('text')
  source: string;

  @Column('text', { name: 'feed_url' })
  feedUrl: string;

  @Column('text', { name: 'dedupe_key' })
  dedupeKey: string;

  @Column('text', { nullable: true })
  guid: string | null;

  @Column('text')
  title: string;

  @Column('text')
  link: string;

  @Column('text', { nullable: true })
  summary: string | null;

  @Column('text', { nullable: true })
  author: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  categories: string[];

  @Column('timestamptz', { name: 'published_at' })
  publishedAt: Date;

  @Column('text', { name: 'content_hash' })
  contentHash: string;

  @Column('bigint', { name: 'run_id', nullable: true })
  runId: string | null;

  @Column('timestamptz', { name: 'ingested_at', default: () => 'now()' })
  ingestedAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
