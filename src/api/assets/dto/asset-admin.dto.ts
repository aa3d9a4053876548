import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const REASON_DESCRIPTION = 'Why (kept in the audit entry), e.g. "MATIC rebranded to POL"';

export class MergeAssetsDto {
  @ApiProperty({
    example: '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b',
    description: 'The asset absorbed into the path asset',
  })
  @IsUUID('all', { message: 'from must be a UUID' })
  from: string;

  @ApiPropertyOptional({ example: 'MATIC rebranded to POL', description: REASON_DESCRIPTION })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason?: string;
}

export class SplitAssetDto {
  @ApiProperty({ example: 'coinpaprika' })
  @Matches(/^[a-z0-9_-]{1,64}$/, { message: 'source must be a source id such as "coingecko"' })
  source: string;

  @ApiProperty({ example: 'matic-polygon' })
  @IsString({ message: 'source_asset_id must be a string' })
  @MinLength(1, { message: 'source_asset_id must not be empty' })
  @MaxLength(200, { message: 'source_asset_id must be at most 200 characters' })
  source_asset_id: string;

  @ApiPropertyOptional({ example: 'the old MATIC listing is a different token now', description: REASON_DESCRIPTION })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason?: string;
}

export const REVIEW_DECISIONS = ['confirm', 'merge_into'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export class ReviewAssetDto {
  @ApiProperty({
    enum: REVIEW_DECISIONS,
    example: 'merge_into',
    description: 'confirm: a coin of its own (clears needs_review); merge_into: the same coin as asset_id',
  })
  @IsIn(REVIEW_DECISIONS, { message: 'decision must be one of: confirm, merge_into' })
  decision: ReviewDecision;

  @ApiPropertyOptional({
    example: '3b241101-e2bb-5255-8caf-4136c566a962',
    description: 'Required with merge_into (the survivor); not allowed with confirm',
  })
  @ValidateIf((o: ReviewAssetDto) => o.decision === 'merge_into' || o.asset_id !== undefined)
  @IsUUID('all', { message: 'asset_id must be a UUID (required with decision merge_into)' })
  asset_id?: string;

  @ApiPropertyOptional({
    example: 'same coin, CoinPaprika lists it under its old name',
    description: REASON_DESCRIPTION,
  })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(500, { message: 'reason must be at most 500 characters' })
  reason?: string;
}

export class MergeMovedDto {
  @ApiProperty({ example: 1 }) source_ids: number;
  @ApiProperty({ example: 288 }) quotes: number;
  @ApiProperty({ example: 4 }) news_links: number;
}

export class MergeResultDto {
  @ApiProperty({ example: 'merge' }) action: 'merge';
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) asset_id: string;
  @ApiProperty({
    example: '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b',
    description: 'The absorbed id; GET /assets/{it} now answers 308 here',
  })
  absorbed_asset_id: string;
  @ApiProperty({ type: MergeMovedDto }) moved: MergeMovedDto;
  @ApiProperty({
    example: 0,
    description:
      'Quotes of the absorbed asset at an instant the survivor already had from the same source: ' +
      "the survivor's kept, these dropped (kept in the audit entry)",
  })
  dropped_duplicate_quotes: number;
  @ApiProperty({ example: 1, description: 'News items linked to both: one link kept (the higher confidence)' })
  merged_duplicate_news_links: number;
  @ApiProperty({ example: 0, description: 'Earlier redirects to the absorbed id, now pointing at the survivor' })
  redirects_repointed: number;
  @ApiProperty({ example: '12' }) audit_id: string;
  @ApiProperty({
    example: false,
    description: 'true when this repeats an operation already done (nothing changed, no new audit entry)',
  })
  replayed: boolean;
}

export class SplitResultDto {
  @ApiProperty({ example: 'split' }) action: 'split';
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) asset_id: string;
  @ApiProperty({
    example: '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b',
    description: 'The new asset now holding the source id',
  })
  new_asset_id: string;
  @ApiProperty({ example: 'matic:polygon' }) new_asset_key: string;
  @ApiProperty({ example: 'coinpaprika' }) source: string;
  @ApiProperty({ example: 'matic-polygon' }) source_asset_id: string;
  @ApiProperty({ example: 288, description: 'Quotes of that source id moved to the new asset' }) moved_quotes: number;
  @ApiProperty({ example: '13' }) audit_id: string;
  @ApiProperty({ example: false }) replayed: boolean;
}

export class ConfirmResultDto {
  @ApiProperty({ example: 'confirm' }) action: 'confirm';
  @ApiProperty({ example: '3b241101-e2bb-5255-8caf-4136c566a962' }) asset_id: string;
  @ApiProperty({ example: false }) needs_review: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'symbol BTT shared with asset btt:bittorrent',
    description: 'The review reason cleared',
  })
  cleared_review_reason: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '14',
    description: 'null when the asset never needed review (nothing to record)',
  })
  audit_id: string | null;
  @ApiProperty({ example: false }) replayed: boolean;
}

export class MergeResultResponseDto {
  @ApiProperty({ type: MergeResultDto }) data: MergeResultDto;
}

export class SplitResultResponseDto {
  @ApiProperty({ type: SplitResultDto }) data: SplitResultDto;
}

export class ReviewResultResponseDto {
  @ApiProperty({
    description: 'A ConfirmResultDto (confirm) or a MergeResultDto (merge_into)',
    oneOf: [{ $ref: '#/components/schemas/ConfirmResultDto' }, { $ref: '#/components/schemas/MergeResultDto' }],
  })
  data: ConfirmResultDto | MergeResultDto;
}

/** One audit entry touching an asset, as shown in `GET /assets/{id}`. */
export class AssetHistoryEntryDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ enum: ['merge', 'split', 'confirm', 'rekey'], example: 'merge' }) action: string;
  @ApiProperty({
    example: '3b241101-e2bb-5255-8caf-4136c566a962',
    description: 'The asset the request was addressed to',
  })
  asset_id: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b',
    description: 'Absorbed (merge) or created (split) asset',
  })
  other_asset_id: string | null;
  @ApiProperty({ example: 'admin-key:3f2a9c1b', description: 'Which admin key (first 8 hex of its SHA-256)' })
  actor: string;
  @ApiProperty({ type: String, nullable: true, example: '7f9c1d2e-5b3a-4f6e-9d8c-1a2b3c4d5e6f' })
  request_id: string | null;
  @ApiProperty({ example: { from: '0b1e2f3a-4c5d-5e6f-8a7b-9c0d1e2f3a4b', reason: 'MATIC rebranded to POL' } })
  request: Record<string, unknown>;
  @ApiProperty({ example: { moved: { source_ids: 1, quotes: 288, news_links: 4 }, dropped_duplicate_quotes: 0 } })
  result: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-28T09:00:00.000Z' }) created_at: string;
}
