import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../platform/config/app-config.js';
import type { Extractor, RawRecord, StreamDefinition } from '../extractor/extractor.interface.js';
import { DriftRepository } from './drift.repository.js';
import { BaselineCollector, StreamRunMemory } from './field-baseline.js';
import { judgeBatch, observeBatch, renameKey, type BatchObservation, type BatchJudgement } from './inspect-batch.js';
import type { RenameRuleOptions } from './rename-rule.js';

export type { DriftAction, DriftFinding, DriftKind, DriftPolicy, DriftSeverity } from './inspect-batch.js';

export interface DriftInspection extends BatchJudgement {
  /** Collects the accepted values of mapped records for the store (BatchProcessor calls `observe`). */
  baseline: BaselineCollector;
}

export interface InspectParams {
  extractor: Extractor;
  stream: StreamDefinition;
  records: RawRecord[];
  runId: string;
}

export interface RecordParams {
  runId: string;
  source: string;
  stream: string;
  inspection: DriftInspection;
}

/**
 * Schema drift of each batch against its stream's declared schema (inspect-batch.ts), with renames
 * judged by the rename rule (rename-rule.ts). Holds, per stream, what the current source run knows
 * for that rule: renames an admin rejected and the last accepted values per (field, asset), loaded
 * from the database only when a batch has a rename to judge.
 */
@Injectable()
export class DriftService {
  private readonly memories = new Map<string, StreamRunMemory>();

  constructor(
    private readonly config: AppConfig,
    private readonly repository: DriftRepository,
  ) {}

  async inspect(params: InspectParams): Promise<DriftInspection> {
    const { extractor, stream, runId } = params;
    const source = extractor.sourceId;
    const memory = this.memoryFor(runId, source, stream.name);
    const observation = observeBatch(stream, params.records);
    if (observation.renameFields.length > 0) await this.load(memory, source, observation);
    const judged = judgeBatch(observation, {
      ...this.ruleOptions(),
      rejected: memory.rejected ?? new Set<string>(),
      previousValue: (field, asset) => memory.previousValue(field, asset),
      assetOf: (record) => assetOf(extractor, stream, record),
    });
    const keep = this.config.etl.driftBaselineAssets > 0 ? memory : undefined;
    return { ...judged, baseline: new BaselineCollector(stream, keep) };
  }

  /** Writes a batch's findings and baseline values in the batch's transaction. */
  async record(manager: EntityManager, params: RecordParams): Promise<void> {
    const { runId, source, stream, inspection } = params;
    const { findings, baseline } = inspection;
    await this.repository.recordBatch(manager, { runId, source, stream, findings, baselines: baseline.take() });
  }

  private ruleOptions(): RenameRuleOptions {
    const etl = this.config.etl;
    return {
      policy: etl.driftPolicy,
      renameThreshold: etl.driftRenameThreshold,
      optionalRenameThreshold: etl.driftOptionalRenameThreshold,
      valueFactor: etl.driftRenameValueFactor,
    };
  }

  /** One memory per stream, for its current run only. */
  private memoryFor(runId: string, source: string, stream: string): StreamRunMemory {
    const key = `${source}\u0000${stream}`;
    let memory = this.memories.get(key);
    if (!memory || memory.runId !== runId) {
      memory = new StreamRunMemory(runId, this.config.etl.driftBaselineAssets);
      this.memories.set(key, memory);
    }
    return memory;
  }

  private async load(memory: StreamRunMemory, source: string, observation: BatchObservation): Promise<void> {
    const stream = observation.stream.name;
    if (!memory.rejected) {
      const pairs = await this.repository.findRejectedRenames(source, stream);
      memory.rejected = new Set(pairs.map(([field, candidate]) => renameKey(field, candidate)));
    }
    const fields = memory.missingFields(observation.renameFields);
    if (fields.length === 0) return;
    const stored = await this.repository.findBaselines(source, stream, fields);
    for (const [field, values] of stored) memory.setStored(field, values);
  }
}

/** The asset of a market-quote record per the source's mapper (pure), or undefined. */
function assetOf(extractor: Extractor, stream: StreamDefinition, record: RawRecord): string | undefined {
  if (stream.kind !== 'market_quotes') return undefined;
  try {
    const result = extractor.map(record, stream.name);
    return result.ok && result.record.kind === 'market_quote' ? result.record.sourceAssetId : undefined;
  } catch {
    return undefined;
  }
}
