import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AssetEntity } from './asset.entity.js';
import { NewsItemEntity } from './news-item.entity.js';

/** A news item mentions an asset, with the matched text and a confidence. */
@Entity('news_asset_mentions')
export class NewsAssetMentionEntity {
  @PrimaryColumn('bigint', { name: 'news_id' })
  newsId: string;

  @Index('ix_news_asset_mentions_asset')
  @PrimaryColumn('uuid', { name: 'asset_id' })
  assetId: string;

  @ManyToOne(() => NewsItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'news_id', foreignKeyConstraintName: 'fk_news_asset_mentions_news' })
  news?: NewsItemEntity;

  @ManyToOne(() => AssetEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'asset_id', foreignKeyConstraintName: 'fk_news_asset_mentions_asset' })
  asset?: AssetEntity;

  @Column('numeric', { precision: 4, scale: 3 })
  confidence: string;

  @Column('text')
  matched: string;
}
