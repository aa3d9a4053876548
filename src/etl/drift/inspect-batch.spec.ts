import type { RawRecord, StreamDefinition } from '../extractor/extractor.interface.js';
import { judgeBatch, observeBatch, renameKey, type JudgeOptions } from './inspect-batch.js';

const stream: StreamDefinition = {
  name: 'markets',
  kind: 'market_quotes',
  expectedSchema: [
    { path: 'id', type: 'string', required: true },
    { path: 'symbol', type: 'string', required: true },
    { path: 'current_price', type: 'number', required: true },
    { path: 'market_cap', type: 'number', nullable: true },
    { path: 'roi', type: 'object', nullable: true },
  ],
};

const rec = (payload: Record<string, unknown>, key = String(payload.id)): RawRecord => ({ naturalKey: key, payload });

const base: JudgeOptions = {
  policy: 'evolve',
  renameThreshold: 0.8,
  optionalRenameThreshold: 0.9,
  valueFactor: 10,
  rejected: new Set<string>(),
  previousValue: () => undefined,
  assetOf: (r) => String(r.payload.id),
};
const sut = {
  inspect: (s: StreamDefinition, records: RawRecord[], o: Partial<JudgeOptions>) =>
    judgeBatch(observeBatch(s, records), { ...base, ...o }),
};

describe(judgeBatch.name, () => {
  const evolve = { policy: 'evolve' as const, renameThreshold: 0.8 };

  it('should report nothing when payloads match the schema', () => {
    const result = sut.inspect(
      stream,
      [rec({ id: 'bitcoin', symbol: 'btc', current_price: 1, market_cap: null, roi: { times: 1 } })],
      evolve,
    );

    expect(result.findings).toEqual([]);
    expect(result.accepted).toHaveLength(1);
    expect(result.quarantined).toEqual([]);
  });

  it('should apply a confident rename under evolve and rewrite the payload to the expected name', () => {
    const result = sut.inspect(
      stream,
      [rec({ id: 'bitcoin', symbol: 'btc', price_current: 96518, market_cap: 1, roi: null })],
      evolve,
    );

    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'renamed',
        field: 'current_price',
        candidate: 'price_current',
        confidence: 1,
        severity: 'warning',
        action: 'applied',
        status: 'applied',
      }),
    ]);
    expect(result.findings[0].evidence).toMatchObject({
      same_name: true,
      qualifiers: { match: true },
      type: { match: true },
      threshold: 0.8,
    });
    expect(result.accepted[0].payload.current_price).toBe(96518);
    expect(result.quarantined).toEqual([]);
  });

  it('should score a camelCase rename with a confidence between 0 and 1', () => {
    const result = sut.inspect(stream, [rec({ id: 'x', symbol: 'x', currentPrice: 5 })], evolve);

    const rename = result.findings.find((f) => f.kind === 'renamed')!;
    expect(rename.candidate).toBe('currentPrice');
    expect(rename.confidence).toBeGreaterThanOrEqual(0.8);
    expect(rename.confidence).toBeLessThanOrEqual(1);
    expect(rename.action).toBe('applied');
  });

  it('should quarantine rows when the rename confidence is below the threshold', () => {
    const result = sut.inspect(stream, [rec({ id: 'x', symbol: 'x', last_px: 5 })], evolve);

    expect(result.accepted).toEqual([]);
    expect(result.quarantined).toHaveLength(1);
    expect(result.quarantined[0].reason).toMatch(/required field "current_price" missing/);
    expect(result.findings.some((f) => f.action === 'quarantined')).toBe(true);
  });

  it('should not apply renames under freeze: affected rows are quarantined', () => {
    const result = sut.inspect(stream, [rec({ id: 'bitcoin', symbol: 'btc', price_current: 1 })], {
      policy: 'freeze',
      renameThreshold: 0.8,
    });

    expect(result.accepted).toEqual([]);
    expect(result.quarantined[0].reason).toMatch(/price_current.*freeze/);
    expect(result.findings[0]).toMatchObject({ kind: 'renamed', action: 'quarantined', candidate: 'price_current' });
  });

  it('should report a missing required field as critical and quarantine only the rows lacking it', () => {
    const result = sut.inspect(
      stream,
      [rec({ id: 'a', symbol: 'a', current_price: 1 }), rec({ id: 'b', current_price: 2 })],
      evolve,
    );

    expect(result.accepted.map((r) => r.naturalKey)).toEqual(['a']);
    expect(result.quarantined.map((q) => [q.record.naturalKey, q.reason])).toEqual([
      ['b', 'required field "symbol" missing'],
    ]);
  });

  it('should report a missing optional field as a warning and keep the rows', () => {
    const result = sut.inspect(stream, [rec({ id: 'a', symbol: 'a', current_price: 1 })], evolve);

    expect(result.findings).toEqual([
      { kind: 'missing', field: 'market_cap', candidate: '', confidence: null, severity: 'warning', action: 'logged' },
      { kind: 'missing', field: 'roi', candidate: '', confidence: null, severity: 'warning', action: 'logged' },
    ]);
    expect(result.accepted).toHaveLength(1);
  });

  it('should report added fields as info, ignoring extractor metadata fields and the inside of object leaves', () => {
    const result = sut.inspect(
      stream,
      [rec({ id: 'a', symbol: 'a', current_price: 1, market_cap: 2, roi: { times: 3 }, ath: 9, _row: 4 })],
      evolve,
    );

    expect(result.findings).toEqual([
      { kind: 'added', field: 'ath', candidate: '', confidence: null, severity: 'info', action: 'logged' },
    ]);
  });

  it('should report a type change; under evolve the row goes on to the mapper, under freeze it is quarantined', () => {
    const rows = [rec({ id: 'a', symbol: 'a', current_price: '1.5', market_cap: 2, roi: null })];

    const evolved = sut.inspect(stream, rows, evolve);
    const frozen = sut.inspect(stream, rows, { policy: 'freeze', renameThreshold: 0.8 });

    expect(evolved.findings).toEqual([
      {
        kind: 'type_changed',
        field: 'current_price',
        candidate: '',
        confidence: null,
        severity: 'critical',
        action: 'logged',
        details: { expected: 'number', observed: ['string'] },
      },
    ]);
    expect(evolved.accepted).toHaveLength(1);
    expect(frozen.accepted).toHaveLength(0);
    expect(frozen.quarantined[0].reason).toMatch(/changed type from number to string/);
  });

  it('should give the same fingerprint to batches with the same fields in any order, and a new one when fields change', () => {
    const a = sut.inspect(stream, [rec({ id: 'a', symbol: 'a', current_price: 1 })], evolve).fingerprint;
    const b = sut.inspect(stream, [rec({ current_price: 7, symbol: 'z', id: 'z' })], evolve).fingerprint;
    const c = sut.inspect(stream, [rec({ id: 'a', symbol: 'a', price_current: 1 })], evolve).fingerprint;

    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('should handle nested paths (dotted) for renames: case only is the same name, a plural is not', () => {
    const nested: StreamDefinition = {
      name: 't',
      kind: 'market_quotes',
      expectedSchema: [{ path: 'quotes.USD.price', type: 'number', required: true }],
    };

    const same = sut.inspect(nested, [rec({ id: 'x', quotes: { USD: { Price: 3 } } })], evolve);
    const plural = sut.inspect(nested, [rec({ id: 'x', quotes: { USD: { Prices: 3 } } })], evolve);
    const withHistory = { ...evolve, previousValue: () => 2.9 };
    const pluralWithHistory = sut.inspect(nested, [rec({ id: 'x', quotes: { USD: { Prices: 3 } } })], withHistory);

    const renamed = (r: typeof same) => r.findings.find((f) => f.kind === 'renamed');
    expect(renamed(same)).toMatchObject({
      field: 'quotes.USD.price',
      candidate: 'quotes.USD.Price',
      action: 'applied',
      status: 'applied',
    });
    expect((same.accepted[0].payload.quotes as { USD: { price: number } }).USD.price).toBe(3);
    expect(renamed(plural)).toMatchObject({ candidate: 'quotes.USD.Prices', status: 'proposed' });
    expect(plural.quarantined[0].reason).toMatch(/rename to "quotes.USD.Prices" not applied: names differ/);
    expect(renamed(pluralWithHistory)).toMatchObject({
      status: 'applied',
      evidence: { values: { checked: true, compared: 1, plausible: true } },
    });
  });

  it('should skip a rename an admin rejected and treat the field as missing', () => {
    const rejected = new Set([renameKey('current_price', 'price_current')]);
    const result = sut.inspect(stream, [rec({ id: 'bitcoin', symbol: 'btc', price_current: 1 })], { rejected });

    expect(result.accepted).toEqual([]);
    expect(result.quarantined[0].reason).toBe(
      'required field "current_price" missing (rename to "price_current" rejected by an admin)',
    );
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        kind: 'missing',
        field: 'current_price',
        details: { rejected_renames: ['price_current'] },
      }),
    );
    expect(result.findings).toContainEqual(expect.objectContaining({ kind: 'added', field: 'price_current' }));
  });

  it('should pass over a better-scored refused candidate to a usable one, recording both', () => {
    const payload = { id: 'bitcoin', symbol: 'btc', current_price_btc: 0.00001, curr_price: 96000 };

    const previousValue = (field: string) => (field === 'current_price' ? 95000 : undefined);
    const result = sut.inspect(stream, [rec(payload)], { renameThreshold: 0.7, previousValue });

    const renames = result.findings.filter((f) => f.kind === 'renamed');
    expect(renames.map((f) => [f.candidate, f.confidence, f.status, f.action])).toEqual([
      ['current_price_btc', 0.8, 'rejected', 'logged'],
      ['curr_price', 0.75, 'applied', 'applied'],
    ]);
    expect(result.accepted[0].payload.current_price).toBe(96000);
  });

  it('should run the mapper for value pairs only for candidates that pass the similarity', () => {
    let mapped = 0;
    const assetOf = (r: RawRecord) => {
      mapped += 1;
      return String(r.payload.id);
    };

    const options = { assetOf, previousValue: () => 5 };
    const dissimilar = [rec({ id: 'a', symbol: 'a', last_px: 5 }), rec({ id: 'b', symbol: 'b', last_px: 6 })];
    sut.inspect(stream, dissimilar, options);
    const below = mapped;
    const renamed = [rec({ id: 'a', symbol: 'a', price_current: 5 }), rec({ id: 'b', symbol: 'b', price_current: 6 })];
    sut.inspect(stream, renamed, options);

    expect(below).toBe(0);
    expect(mapped).toBe(2);
  });

  it('should never map the price onto the price in another currency, even when nothing else is offered', () => {
    const result = sut.inspect(stream, [rec({ id: 'bitcoin', symbol: 'btc', current_price_btc: 0.00001 })], {});

    expect(result.accepted).toEqual([]);
    expect(result.quarantined[0].reason).toMatch(/"current_price_btc" rejected: qualifiers differ \(currency\)/);
    const rename = result.findings.find((f) => f.kind === 'renamed');
    expect(rename).toMatchObject({ status: 'rejected', action: 'quarantined', confidence: 0.8 });
  });
});
