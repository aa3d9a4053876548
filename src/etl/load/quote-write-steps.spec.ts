import type { EntityManager } from 'typeorm';
import { QuoteWriteSteps, type QuoteWriteStep, type WrittenQuotes } from './quote-write-steps.js';

const manager = {} as EntityManager;
const batch = (n: number): WrittenQuotes => ({
  runId: '1',
  source: 'csv',
  quotes: Array.from({ length: n }, (_, i) => ({
    assetId: `a${i}`,
    sourceAssetId: `s${i}`,
    observedAt: new Date(0),
    priceUsd: '1',
    marketCapUsd: null,
    volume24hUsd: null,
  })),
});

function recorder(name: string, calls: string[]): QuoteWriteStep {
  return {
    name,
    afterQuotesWritten: (_m, w) => {
      calls.push(`${name}:${w.quotes.length}`);
      return Promise.resolve();
    },
  };
}

describe('QuoteWriteSteps', () => {
  it('runs every registered step in registration order with the batch', async () => {
    const calls: string[] = [];
    const steps = new QuoteWriteSteps();
    steps.register(recorder('latest', calls));
    steps.register(recorder('rollups', calls));
    await steps.run(manager, batch(3));
    expect(calls).toEqual(['latest:3', 'rollups:3']);
    expect(steps.names).toEqual(['latest', 'rollups']);
  });

  it('does not call the steps for a batch without quotes', async () => {
    const calls: string[] = [];
    const steps = new QuoteWriteSteps();
    steps.register(recorder('latest', calls));
    await steps.run(manager, batch(0));
    expect(calls).toEqual([]);
  });

  it('refuses a step name registered twice', () => {
    const steps = new QuoteWriteSteps();
    steps.register(recorder('latest', []));
    expect(() => steps.register(recorder('latest', []))).toThrow(/registered twice/);
  });

  it('propagates a failing step (the batch transaction then rolls back)', async () => {
    const steps = new QuoteWriteSteps();
    steps.register({ name: 'boom', afterQuotesWritten: () => Promise.reject(new Error('boom')) });
    await expect(steps.run(manager, batch(1))).rejects.toThrow('boom');
  });
});
