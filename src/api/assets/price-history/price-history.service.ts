import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../../../platform/config/app-config.js';
import { AssetAdminService } from '../asset-admin.service.js';
import { AssetMovedException } from '../asset-moved.error.js';
import { AssetsRepository } from '../assets.repository.js';
import { findGaps, INTERVAL_MS, resolveHistoryRange, type HistoryInterval } from './history-range.js';
import type { PriceHistoryBody } from './price-history.dto.js';
import { PriceHistoryRepository } from './price-history.repository.js';

export interface PriceHistoryRequest {
  assetId: string;
  interval: HistoryInterval;
  from?: string;
  to?: string;
  source?: string;
}

/** The rules of GET /assets/{id}/history: range defaults and bounds, gaps, merged ids. */
@Injectable()
export class PriceHistoryService {
  constructor(
    private readonly assets: AssetsRepository,
    private readonly history: PriceHistoryRepository,
    private readonly admin: AssetAdminService,
    private readonly config: AppConfig,
  ) {}

  async get(req: PriceHistoryRequest): Promise<PriceHistoryBody> {
    const asOf = new Date();
    const range = resolveHistoryRange({ interval: req.interval, from: req.from, to: req.to, now: asOf });
    // Both reads at once: the history of an unknown id is simply empty, and is not used.
    const [asset, { buckets, consensus }] = await Promise.all([
      this.assets.find(req.assetId),
      this.history.history({
        assetId: req.assetId,
        interval: req.interval,
        firstStart: new Date(range.firstStart),
        endStart: new Date(range.endStart),
        source: req.source ?? null,
        asOf,
        freshnessSeconds: this.config.etl.freshnessBudgetSeconds,
        intervalSeconds: INTERVAL_MS[req.interval] / 1000,
      }),
    ]);
    if (!asset) {
      const survivor = await this.admin.survivorOf(req.assetId);
      if (survivor) throw new AssetMovedException(req.assetId, survivor);
      throw new NotFoundException(`Asset ${req.assetId} not found`);
    }
    const present = new Set(buckets.map((b) => Date.parse(b.start)));
    return {
      data: {
        asset: { id: asset.id, symbol: asset.symbol, name: asset.name },
        interval: req.interval,
        buckets,
        consensus,
      },
      metadata: { gaps: findGaps(range, present) },
    };
  }
}
