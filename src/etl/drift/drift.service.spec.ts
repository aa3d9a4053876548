import type { EntityManager } from 'typeorm';
import { buildAppConfig } from '../../platform/config/app-config.js';
import { mapped, type Extractor, type RawRecord, type StreamDefinition } from '../extractor/index.js';
import type { DriftRepository, DriftWrite } from './drift.repository.js';
import { DriftService } from './drift.service.js';

const stream: StreamDefinition = {
  name: 'quotes',
  kind: 'market_quotes',
  expectedSchema: [
    { path: 'id', type: 'string', required: true },
    { path: 'price', type: 'number', required: true },
    { path: 'volume', type: 'number', nullable: true },
  ],
};

const extractor = {
  sourceId: 'fake',
  streams: [stream],
  extract: () => {
    throw new Error('not used');
  },
  map: (r: RawRecord) =>
    mapped({
      kind: 'market_quote',
      sourceAssetId: String(r.payload.id),
      symbol: 'X',
      name: 'X',
      rank: null,
      observedAt: new Date(0),
      priceUsd: String(r.payload.price),
      marketCapUsd: null,
      volume24hUsd: null,
      change24hPct: null,
      circulatingSupply: null,
      totalSupply: null,
      maxSupply: null,
    }),
} as Extractor;

/** A strict fake: records each read; writes are collected. */
class FakeDriftRepository {
  readonly reads: string[] = [];
  readonly writes: DriftWrite[] = [];
  constructor(
    private readonly baselines: Record<string, Record<string, number>> = {},
    private readonly rejected: Array<[string, string]> = [],
  ) {}
  findRejectedRenames(source: string, s: string): Promise<Array<[string, string]>> {
    this.reads.push(`rejected ${source}/${s}`);
    return Promise.resolve(this.rejected);
  }
  findBaselines(source: string, s: string, fields: string[]): Promise<Map<string, Map<string, number>>> {
    this.reads.push(`baselines ${source}/${s} ${fields.join(',')}`);
    return Promise.resolve(new Map(fields.map((f) => [f, new Map(Object.entries(this.baselines[f] ?? {}))])));
  }
  recordBatch(_m: EntityManager, write: DriftWrite): Promise<void> {
    this.writes.push(write);
    return Promise.resolve();
  }
}

const records = (field: string, n: number, price = (i: number) => 100 + i): RawRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    naturalKey: `c${i}@t`,
    payload: { id: `c${i}`, [field]: price(i), volume: 5 },
  }));

function setup(repo = new FakeDriftRepository(), env: Record<string, string> = {}) {
  const sut = new DriftService(buildAppConfig(env), repo as unknown as DriftRepository);
  return { sut, repo };
}

describe(DriftService.name, () => {
  describe('inspect', () => {
    it('should read nothing from the database when the batch has no rename to judge', async () => {
      const { sut, repo } = setup();

      const inspection = await sut.inspect({ extractor, stream, records: records('price', 3), runId: '1' });

      expect(inspection.accepted).toHaveLength(3);
      expect(repo.reads).toEqual([]);
    });

    it("should load rejections and the missing field's values once per run, and again for the next run", async () => {
      const { sut, repo } = setup(new FakeDriftRepository({ price: { c0: 100, c1: 101 } }));

      const a = await sut.inspect({ extractor, stream, records: records('prices', 2), runId: '1' });
      await sut.inspect({ extractor, stream, records: records('prices', 2), runId: '1' });
      await sut.inspect({ extractor, stream, records: records('prices', 2), runId: '2' });

      expect(repo.reads).toEqual([
        'rejected fake/quotes',
        'baselines fake/quotes price',
        'rejected fake/quotes',
        'baselines fake/quotes price',
      ]);
      expect(a.findings.find((f) => f.kind === 'renamed')).toMatchObject({ candidate: 'prices', status: 'applied' });
      expect(a.accepted.map((r) => r.payload.price)).toEqual([100, 101]);
    });

    it('should not apply a rename an admin rejected', async () => {
      const { sut } = setup(new FakeDriftRepository({ price: { c0: 100 } }, [['price', 'prices']]));

      const inspection = await sut.inspect({ extractor, stream, records: records('prices', 1), runId: '1' });

      expect(inspection.accepted).toEqual([]);
      expect(inspection.quarantined[0].reason).toMatch(/rejected by an admin/);
    });

    it('should compare with the values this run accepted before, across batches', async () => {
      const { sut } = setup();
      const first = await sut.inspect({ extractor, stream, records: records('price', 2), runId: '1' });
      for (const r of first.accepted) first.baseline.observe(r, String(r.payload.id));

      const far = records('prices', 2, (i) => 10_000 * (i + 1));
      const renamed = await sut.inspect({ extractor, stream, records: far, runId: '1' });

      expect(renamed.findings.find((f) => f.kind === 'renamed')).toMatchObject({
        status: 'rejected',
        evidence: { values: { compared: 2, plausible: false } },
      });
    });
  });

  describe('record', () => {
    it('should write the first accepted numeric values of each asset once per run, up to the asset cap', async () => {
      const { sut, repo } = setup(undefined, { ETL_DRIFT_BASELINE_ASSETS: '2' });
      const batch = await sut.inspect({ extractor, stream, records: records('price', 3), runId: '7' });
      for (const r of batch.accepted) batch.baseline.observe(r, String(r.payload.id));
      for (const r of batch.accepted) batch.baseline.observe(r, String(r.payload.id));

      await sut.record({} as EntityManager, { runId: '7', source: 'fake', stream: 'quotes', inspection: batch });

      expect(repo.writes[0].baselines).toEqual([
        { field: 'price', assetKey: 'c0', value: 100 },
        { field: 'volume', assetKey: 'c0', value: 5 },
        { field: 'price', assetKey: 'c1', value: 101 },
        { field: 'volume', assetKey: 'c1', value: 5 },
      ]);
    });

    it('should keep nothing when the cap is 0', async () => {
      const { sut, repo } = setup(undefined, { ETL_DRIFT_BASELINE_ASSETS: '0' });
      const batch = await sut.inspect({ extractor, stream, records: records('price', 3), runId: '7' });
      for (const r of batch.accepted) batch.baseline.observe(r, String(r.payload.id));

      await sut.record({} as EntityManager, { runId: '7', source: 'fake', stream: 'quotes', inspection: batch });

      expect(repo.writes[0].baselines).toEqual([]);
    });
  });
});
