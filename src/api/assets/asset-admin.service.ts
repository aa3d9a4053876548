import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SourceCountersRepository } from '../../catalog/counters/source-counters.repository.js';
import { AssetIdentityRepository } from '../../catalog/asset-identity.repository.js';
import { LatestQuotesWriter } from '../../catalog/latest-quotes.repository.js';
import { assetIdFor, assetKeyFor, isolatedAssetKey } from '../../catalog/asset-naming.js';
import { QuoteRollupsRepository } from '../../catalog/quote-rollups.repository.js';
import { IdentityConflictError, IdentityNotFoundError } from './asset-admin.errors.js';
import {
  AssetAdminRepository,
  type AdminAssetRow,
  type AdminSourceId,
  type AuditEntryRow,
  type SplitAsset,
} from './asset-admin.repository.js';
import type { ConfirmResultDto, MergeResultDto, SplitResultDto } from './dto/asset-admin.dto.js';

/** Who asked, for the audit entry. */
export interface AdminContext {
  actor: string;
  requestId: string | null;
}

export interface MergeCommand {
  survivorId: string;
  fromId: string;
  reason?: string;
  /** Set when a review decision (`merge_into`) asked for the merge. */
  via?: 'review';
}

export interface SplitCommand {
  assetId: string;
  source: string;
  sourceAssetId: string;
  reason?: string;
}

export interface ConfirmCommand {
  assetId: string;
  reason?: string;
}

/** An asset as read under the correction's locks (undefined: none with that id), and the request field naming it. */
export interface LiveAssetLookup {
  asset: AdminAssetRow | undefined;
  id: string;
  field: string;
}

/**
 * The rules of the operator's identity corrections. Each runs in one transaction, serialised with
 * the ETL (identity locks per symbol, the involved sources' run locks) and with other corrections
 * (row locks), is recorded in `asset_identity_audit`, and is idempotent: repeating a request that
 * already took effect replays its recorded result without acting or recording again.
 */
@Injectable()
export class AssetAdminService {
  private readonly logger = new Logger(AssetAdminService.name);

  constructor(
    private readonly repository: AssetAdminRepository,
    private readonly identity: AssetIdentityRepository,
    private readonly latestQuotes: LatestQuotesWriter,
    private readonly counters: SourceCountersRepository,
    private readonly rollups: QuoteRollupsRepository,
  ) {}

  /** `from` is absorbed into `survivorId`: source ids, quotes and news links move; its id redirects. */
  async merge(cmd: MergeCommand, ctx: AdminContext): Promise<MergeResultDto> {
    if (cmd.survivorId.toLowerCase() === cmd.fromId.toLowerCase()) {
      throw new IdentityConflictError('An asset cannot be merged into itself', { asset_id: cmd.survivorId });
    }
    return await this.repository.transaction((m) => this.mergeIn(m, cmd, ctx));
  }

  split(cmd: SplitCommand, ctx: AdminContext): Promise<SplitResultDto> {
    return this.repository.transaction((m) => this.splitIn(m, cmd, ctx));
  }

  confirm(cmd: ConfirmCommand, ctx: AdminContext): Promise<ConfirmResultDto> {
    return this.repository.transaction((m) => this.confirmIn(m, cmd, ctx));
  }

  private async mergeIn(m: EntityManager, cmd: MergeCommand, ctx: AdminContext): Promise<MergeResultDto> {
    const { survivor, absorbed } = await this.lockAndLoad(m, cmd.survivorId, cmd.fromId);
    if (!absorbed) {
      const done = await this.repository.findLatestAudit(m, {
        action: 'merge',
        assetId: cmd.survivorId,
        otherAssetId: cmd.fromId,
      });
      if (done) return replay<MergeResultDto>(done);
    }
    // Field names as the caller sent them: /assets/{id}/merge {from} or /assets/{id}/review {asset_id}.
    const byReview = cmd.via === 'review';
    const into = await this.requireLive(m, {
      asset: survivor,
      id: cmd.survivorId,
      field: byReview ? 'asset_id' : 'id',
    });
    const from = await this.requireLive(m, { asset: absorbed, id: cmd.fromId, field: byReview ? 'id' : 'from' });
    refuseSameSourceIds(into, from);
    await this.requireIdleSources(
      m,
      from.source_ids.map((s) => s.source),
    );

    const sourceIds = await this.repository.moveAllSourceIds(m, from.id, into.id);
    const dropped = await this.repository.takeCollidingQuotes(m, from.id, into.id);
    const quotes = await this.repository.moveAllQuotes(m, from.id, into.id);
    await this.latestQuotes.recomputeForAssets(m, [into.id, from.id]);
    await this.rollups.moveQuotes(m, { fromAssetId: from.id, toAssetId: into.id, source: null });
    const links = await this.repository.moveNewsLinks(m, from.id, into.id);
    const redirects = await this.repository.repointRedirects(m, from.id, into.id);
    await this.repository.deleteRedirectFrom(m, into.id);
    await this.repository.deleteAsset(m, from.id);

    const result: Omit<MergeResultDto, 'audit_id' | 'replayed'> = {
      action: 'merge',
      asset_id: into.id,
      absorbed_asset_id: from.id,
      moved: { source_ids: sourceIds, quotes, news_links: links.moved },
      dropped_duplicate_quotes: dropped.length,
      merged_duplicate_news_links: links.merged,
      redirects_repointed: redirects,
    };
    const auditId = await this.repository.insertAudit(m, {
      action: 'merge',
      assetId: into.id,
      otherAssetId: from.id,
      ...ctx,
      request: { from: from.id, ...(byReview ? { via: 'review', decision: 'merge_into' } : {}), ...reasonOf(cmd) },
      before: { survivor: into, absorbed: from },
      after: { survivor: await this.repository.findAsset(m, into.id), dropped_quotes: dropped },
      result,
    });
    await this.repository.insertRedirect(m, { fromId: from.id, toId: into.id, auditId });
    // The quotes dropped as duplicates leave the stored-row counters, last (counters are locked last).
    await this.counters.add(
      m,
      dropped.map((q) => ({ source: String(q.source), table: 'market_quotes', rows: -1 })),
    );
    this.logger.log(
      { survivor: into.id, absorbed: from.id, sourceIds, quotes, droppedQuotes: dropped.length, auditId },
      'assets merged',
    );
    return { ...result, audit_id: auditId, replayed: false };
  }

  private async splitIn(m: EntityManager, cmd: SplitCommand, ctx: AdminContext): Promise<SplitResultDto> {
    const { survivor } = await this.lockAndLoad(m, cmd.assetId);
    const asset = await this.requireLive(m, { asset: survivor, id: cmd.assetId, field: 'id' });
    const sourceId = `${cmd.source}/${cmd.sourceAssetId}`;
    const mapping = asset.source_ids.find((s) => s.source === cmd.source && s.source_asset_id === cmd.sourceAssetId);
    if (!mapping) {
      const owner = await this.repository.ownerOf(m, cmd.source, cmd.sourceAssetId);
      if (!owner) throw new IdentityNotFoundError(`No source id ${sourceId}`, 'source_asset_id');
      const done = await this.repository.findLatestAudit(m, {
        action: 'split',
        assetId: asset.id,
        otherAssetId: owner,
        requestContains: { source: cmd.source, source_asset_id: cmd.sourceAssetId },
      });
      if (done) return replay<SplitResultDto>(done);
      throw new IdentityConflictError(`${sourceId} belongs to asset ${owner}, not to ${asset.id}`, {
        owner_asset_id: owner,
      });
    }
    if (asset.source_ids.length === 1) {
      throw new IdentityConflictError(
        `${sourceId} is the only source id of asset ${asset.id}: nothing would be left to split from`,
      );
    }
    await this.requireIdleSources(m, [cmd.source]);

    const target = await this.newAssetFor(m, mapping);
    await this.repository.insertAsset(m, target);
    // The key may be the one an older merge absorbed (splitting back out): that id is live again.
    const revived = await this.repository.deleteRedirectFrom(m, target.id);
    const moved = await this.repository.moveSourceId(m, {
      source: cmd.source,
      sourceAssetId: cmd.sourceAssetId,
      fromAssetId: asset.id,
      toAssetId: target.id,
    });
    await this.latestQuotes.recomputeForAssets(m, [asset.id, target.id]);
    await this.rollups.moveQuotes(m, { fromAssetId: asset.id, toAssetId: target.id, source: cmd.source });

    const result: Omit<SplitResultDto, 'audit_id' | 'replayed'> = {
      action: 'split',
      asset_id: asset.id,
      new_asset_id: target.id,
      new_asset_key: target.assetKey,
      source: cmd.source,
      source_asset_id: cmd.sourceAssetId,
      moved_quotes: moved.quotes,
    };
    const auditId = await this.repository.insertAudit(m, {
      action: 'split',
      assetId: asset.id,
      otherAssetId: target.id,
      ...ctx,
      request: { source: cmd.source, source_asset_id: cmd.sourceAssetId, ...reasonOf(cmd) },
      before: { asset },
      after: {
        asset: await this.repository.findAsset(m, asset.id),
        new_asset: await this.repository.findAsset(m, target.id),
        revived_redirect: revived > 0,
      },
      result,
    });
    this.logger.log(
      { asset: asset.id, newAsset: target.id, sourceId, quotes: moved.quotes, auditId },
      'source id split out',
    );
    return { ...result, audit_id: auditId, replayed: false };
  }

  private async confirmIn(m: EntityManager, cmd: ConfirmCommand, ctx: AdminContext): Promise<ConfirmResultDto> {
    const { survivor } = await this.lockAndLoad(m, cmd.assetId);
    const asset = await this.requireLive(m, { asset: survivor, id: cmd.assetId, field: 'id' });
    if (!asset.needs_review) {
      const done = await this.repository.findLatestAudit(m, { action: 'confirm', assetId: asset.id });
      if (done) return replay<ConfirmResultDto>(done);
      // Never flagged: confirming changes nothing, so there is nothing to record.
      return {
        action: 'confirm',
        asset_id: asset.id,
        needs_review: false,
        cleared_review_reason: null,
        audit_id: null,
        replayed: false,
      };
    }
    await this.repository.clearReview(m, asset.id);
    const result: Omit<ConfirmResultDto, 'audit_id' | 'replayed'> = {
      action: 'confirm',
      asset_id: asset.id,
      needs_review: false,
      cleared_review_reason: asset.review_reason,
    };
    const auditId = await this.repository.insertAudit(m, {
      action: 'confirm',
      assetId: asset.id,
      otherAssetId: null,
      ...ctx,
      request: { decision: 'confirm', ...reasonOf(cmd) },
      before: { asset },
      after: { asset: await this.repository.findAsset(m, asset.id) },
      result,
    });
    return { ...result, audit_id: auditId, replayed: false };
  }

  /**
   * Locks in the ETL's order (identity locks per symbol first, as the resolver takes them, then the
   * rows), then reads the assets as they are once nobody else can change them.
   */
  private async lockAndLoad(
    m: EntityManager,
    id: string,
    otherId?: string,
  ): Promise<{ survivor?: AdminAssetRow; absorbed?: AdminAssetRow }> {
    const ids = otherId ? [id, otherId] : [id];
    await this.identity.lockSymbols(m, await this.repository.symbolsOf(m, ids));
    await this.repository.lockAssets(m, ids);
    return {
      survivor: await this.repository.findAsset(m, id),
      absorbed: otherId ? await this.repository.findAsset(m, otherId) : undefined,
    };
  }

  /** The asset, or 409 when a merge absorbed it (naming the survivor), or 404 when it never was. */
  private async requireLive(m: EntityManager, { asset, id, field }: LiveAssetLookup): Promise<AdminAssetRow> {
    if (asset) return asset;
    const survivor = await this.repository.survivorOf(id, m);
    if (survivor) {
      throw new IdentityConflictError(`Asset ${id} was merged into ${survivor}`, { field, merged_into: survivor });
    }
    throw new IdentityNotFoundError(`Asset ${id} not found`, field);
  }

  /**
   * A source whose run is in progress has the moved ids' old asset in its run cache: its next
   * batches would land there. The correction waits for the run to end (409, retry).
   */
  private async requireIdleSources(m: EntityManager, sources: string[]): Promise<void> {
    const busy = await this.repository.tryLockSources(m, sources);
    if (busy.length > 0) {
      throw new IdentityConflictError(`An ETL run of ${busy.join(', ')} is in progress; retry when it ends`, {
        running: busy,
      });
    }
  }

  /**
   * The split's new asset gets the key the matcher gives that source id on its own (symbol + name),
   * so splitting back out after a merge restores the absorbed asset's id; if an asset already has
   * that key, the id's isolated key.
   */
  private async newAssetFor(m: EntityManager, s: AdminSourceId): Promise<SplitAsset> {
    const keys = [
      ...(s.name ? [assetKeyFor(s.symbol, s.name)] : []),
      isolatedAssetKey(s.symbol, s.source, s.source_asset_id),
    ];
    const taken = await this.repository.existingAssets(m, keys.map(assetIdFor), keys);
    const key = keys.find((k) => !taken.some((t) => t.asset_key === k || t.id === assetIdFor(k)));
    if (!key) {
      throw new IdentityConflictError(
        `Assets with the keys ${keys.join(', ')} exist already: no key left for a new asset`,
        { keys },
      );
    }
    return { id: assetIdFor(key), assetKey: key, symbol: s.symbol, name: s.name ?? s.symbol, rank: s.rank };
  }

  /** Audit entries touching the asset, newest first (for `GET /assets/{id}`). */
  history(assetId: string): Promise<AuditEntryRow[]> {
    return this.repository.history(assetId);
  }

  survivorOf(assetId: string): Promise<string | undefined> {
    return this.repository.survivorOf(assetId);
  }
}

/** The recorded result of an operation already done, answered again. */
function replay<T extends { audit_id: string | null; replayed: boolean }>(done: AuditEntryRow): T {
  return { ...(done.result as unknown as T), audit_id: done.id, replayed: true };
}

function reasonOf(cmd: { reason?: string }): { reason?: string } {
  return cmd.reason ? { reason: cmd.reason } : {};
}

/**
 * An asset holds at most one id per source: two would give it two price series under the unique
 * (asset, source, instant) key, overwriting each other on every run. Refused, never resolved silently.
 */
function refuseSameSourceIds(into: AdminAssetRow, from: AdminAssetRow): void {
  const clash = from.source_ids.filter((f) => into.source_ids.some((s) => s.source === f.source));
  if (clash.length === 0) return;
  const sources = [...new Set(clash.map((c) => c.source))];
  throw new IdentityConflictError(
    `Both assets hold an id of ${sources.join(', ')}: an asset holds at most one id per source. ` +
      'Split the extra id out first, or keep the assets apart',
    { sources, ids: { [into.id]: into.source_ids.filter((s) => sources.includes(s.source)), [from.id]: clash } },
  );
}
