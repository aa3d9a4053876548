import { Injectable } from '@nestjs/common';
import { SourceRegistry } from '../registry/source-registry.service.js';
import { BackfillNotFoundError, BackfillRequestError } from '../operations/operation-errors.js';
import { planChunks } from './backfill-plan.js';
import { BackfillWorker } from './backfill-worker.js';
import { BackfillRepository, type BackfillRow } from './backfill.repository.js';

const WAIT_POLL_MS = 2_000;

export interface BackfillRequest {
  source: string;
  /** The source's own asset ids (`bitcoin` for CoinGecko). */
  assets: string[];
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
}

export interface BackfillCreated {
  backfillId: string;
  /** Settles when this process has no pending backfill left it could take (the CLI waits on it). */
  processed: Promise<void>;
}

/** Backfill requests: validated against the plugin's history capability, planned in chunks, queued. */
@Injectable()
export class BackfillService {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly backfills: BackfillRepository,
    private readonly worker: BackfillWorker,
  ) {}

  async create(request: BackfillRequest): Promise<BackfillCreated> {
    const extractor = this.registry.get(request.source);
    if (!extractor) {
      throw new BackfillRequestError(
        'source',
        `unknown source "${request.source}" (installed: ${this.registry.ids().join(', ')})`,
      );
    }
    if (!extractor.history) {
      throw new BackfillRequestError(
        'source',
        `source "${request.source}" cannot be backfilled: its plugin has no history capability`,
      );
    }
    const from = new Date(request.from);
    const to = new Date(request.to);
    if (Number.isNaN(from.getTime())) {
      throw new BackfillRequestError('from', `from "${request.from}" is not an ISO 8601 timestamp`);
    }
    if (Number.isNaN(to.getTime())) {
      throw new BackfillRequestError('to', `to "${request.to}" is not an ISO 8601 timestamp`);
    }
    if (!(from < to)) throw new BackfillRequestError('to', 'to must be after from (the range is [from, to))');
    if (to.getTime() > Date.now() + 3_600_000) throw new BackfillRequestError('to', 'to must not be in the future');
    const assets = [...new Set(request.assets)];
    const known = new Set((await this.backfills.knownAssets(request.source, assets)).map((a) => a.sourceAssetId));
    const unknown = assets.filter((a) => !known.has(a));
    if (unknown.length > 0) {
      throw new BackfillRequestError(
        'assets',
        `asset(s) ${unknown.join(', ')} not known for source "${request.source}": run the source once so their identity is resolved`,
      );
    }
    const backfillId = await this.backfills.create({
      source: request.source,
      assets,
      from,
      to,
      plan: planChunks(from, to, extractor.history.maxChunkSeconds),
    });
    return { backfillId, processed: this.worker.kick() };
  }

  async get(id: string): Promise<BackfillRow> {
    const row = await this.backfills.findOne(id);
    if (!row) throw new BackfillNotFoundError(id);
    return row;
  }

  /** Drives the worker in this process until the backfill ends (a busy source is waited out). */
  async waitFor(id: string): Promise<BackfillRow> {
    for (;;) {
      await this.worker.kick();
      const row = await this.get(id);
      if (row.status !== 'queued' && row.status !== 'running') return row;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  list(limit: number): Promise<BackfillRow[]> {
    return this.backfills.findPage(limit);
  }
}
