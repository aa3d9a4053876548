import { validateEnv } from '@kasparro/etl-plugin-sdk';
import { CsvSourceEnv } from './csv.config.js';
import { declarationFor, parseCsvDialects } from './csv-dialect.js';

describe('parseCsvDialects', () => {
  it('should read entries of glob and settings, the first matching entry applying', () => {
    const declarations = parseCsvDialects(
      ' eu-*.csv:delimiter=semicolon, decimal=comma ,dates=dmy ; us-export.csv:dates=mdy;*.tsv.csv:delimiter=tab;',
    );
    const of = (file: string) => {
      const d = declarationFor(file, declarations);
      return d && { pattern: d.pattern, delimiter: d.delimiter, decimal: d.decimal, dates: d.dates };
    };
    expect(of('eu-prices.csv')).toEqual({ pattern: 'eu-*.csv', delimiter: ';', decimal: ',', dates: 'dmy' });
    expect(of('EU-Prices.CSV')).toEqual({ pattern: 'eu-*.csv', delimiter: ';', decimal: ',', dates: 'dmy' });
    expect(of('us-export.csv')).toEqual({
      pattern: 'us-export.csv',
      delimiter: undefined,
      decimal: undefined,
      dates: 'mdy',
    });
    expect(of('prices.tsv.csv')).toEqual({
      pattern: '*.tsv.csv',
      delimiter: '\t',
      decimal: undefined,
      dates: undefined,
    });
    expect(of('us-exportXcsv')).toBeUndefined();
    expect(of('other.csv')).toBeUndefined();
  });

  it('should match ? as one character and take regex characters literally', () => {
    const [d] = parseCsvDialects('q?-(1)+.csv:decimal=point');
    expect([d.matches('q1-(1)+.csv'), d.matches('q12-(1)+.csv'), d.matches('q1-1.csv')]).toEqual([true, false, false]);
  });

  it('should read an empty value as no declaration', () => {
    expect(parseCsvDialects('')).toEqual([]);
  });

  it.each([
    ['eu.csv', /not <glob>:<key>=<value>/],
    [':decimal=comma', /not <glob>:<key>=<value>/],
    ['eu.csv:', /"" is not delimiter=/],
    ['eu.csv:separator=semicolon', /"separator=semicolon" is not delimiter=/],
    ['eu.csv:delimiter=pipe', /delimiter must be one of comma\|semicolon\|tab, not "pipe"/],
    ['eu.csv:decimal', /decimal must be one of point\|comma, not ""/],
    ['eu.csv:dates=ymd', /dates must be one of dmy\|mdy, not "ymd"/],
    ['eu.csv:toString=x', /is not delimiter=/],
    ['eu.csv:decimal=comma=point', /is not delimiter=/],
  ])('should refuse %p', (text, message) => {
    expect(() => parseCsvDialects(text)).toThrow(message);
  });
});

describe(CsvSourceEnv.name, () => {
  it('should fail at boot naming CSV_DIALECTS and the problem', () => {
    expect(() => validateEnv(CsvSourceEnv, { CSV_DIALECTS: 'eu.csv:decimal=komma' })).toThrow(
      /CSV_DIALECTS="eu\.csv:decimal=komma": entry "eu\.csv:decimal=komma": decimal must be one of point\|comma, not "komma"/,
    );
  });

  it('should accept a good declaration and default to none', () => {
    expect(validateEnv(CsvSourceEnv, { CSV_DIALECTS: 'eu.csv:decimal=comma' }).CSV_DIALECTS).toBe(
      'eu.csv:decimal=comma',
    );
    expect(validateEnv(CsvSourceEnv, {}).CSV_DIALECTS).toBe('');
  });
});
