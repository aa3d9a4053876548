import { InjectedFailureError } from '../common/errors/domain-errors.js';
import { FailureInjector, parseFailureInjection } from './failure-injection.js';

describe('parseFailureInjection', () => {
  it('should parse after= and p= rules', () => {
    expect(parseFailureInjection('csv:after=100, coingecko:p=0.5')).toEqual([
      { source: 'csv', afterRecords: 100 },
      { source: 'coingecko', probability: 0.5 },
    ]);
  });

  it('should be off when unset', () => {
    expect(parseFailureInjection(undefined)).toEqual([]);
  });

  it('should reject malformed rules with a readable message', () => {
    expect(() => parseFailureInjection('csv:boom')).toThrow(/ETL_FAILURE_INJECTION: "csv:boom"/);
    expect(() => parseFailureInjection('csv:p=2')).toThrow(/between 0 and 1/);
  });
});

describe(FailureInjector.name, () => {
  it('should fail the batch that crosses the record threshold, not the ones before', () => {
    const sut = new FailureInjector([{ source: 'csv', afterRecords: 100 }]);

    expect(() => sut.check('csv', 0, 100)).not.toThrow();
    expect(() => sut.check('csv', 100, 1)).toThrow(InjectedFailureError);
    expect(() => sut.check('rss', 1000, 100)).not.toThrow();
  });

  it('should fail with the configured probability', () => {
    const sut = new FailureInjector([{ source: 'csv', probability: 0.5 }], () => 0.4);
    const lucky = new FailureInjector([{ source: 'csv', probability: 0.5 }], () => 0.6);

    expect(() => sut.check('csv', 0, 1)).toThrow(/probability 0.5/);
    expect(() => lucky.check('csv', 0, 1)).not.toThrow();
  });
});
