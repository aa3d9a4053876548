import { parse } from 'csv-parse';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { canonicalHeader } from './csv-headers.js';
import { CsvRowBuilder, LineNumberedCsvParser, type CsvRow } from './csv-rows.js';

const OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: true, skip_records_with_error: true } as const;

interface Parsed {
  rows: Array<{ line: number; payload: Record<string, unknown> }>;
  skipped: number[];
}

/** What the extractor did before: csv-parse's own `columns` and `info` modes, spread into the payload. */
async function viaColumnsMode(text: string): Promise<Parsed> {
  const parser = Readable.from([text]).pipe(
    parse({ ...OPTIONS, columns: (h: string[]) => h.map(canonicalHeader), info: true }),
  );
  const skipped: number[] = [];
  parser.on('skip', (err: { lines?: number }) => skipped.push(err.lines ?? 0));
  const rows: Parsed['rows'] = [];
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    rows.push({ line: info.lines, payload: { ...record, _file: 'f.csv', _line: info.lines } });
  }
  return { rows, skipped };
}

async function viaLineNumberedParser(text: string): Promise<Parsed> {
  const parser = Readable.from([text]).pipe(new LineNumberedCsvParser(OPTIONS));
  const skipped: number[] = [];
  parser.on('skip', (err: { lines?: number }) => skipped.push(err.lines ?? 0));
  const rows: Parsed['rows'] = [];
  let builder: CsvRowBuilder | undefined;
  for await (const { fields, line } of parser as AsyncIterable<CsvRow>) {
    if (!builder) {
      builder = new CsvRowBuilder(fields.map(canonicalHeader));
      continue;
    }
    rows.push({ line, payload: builder.build(fields, 'f.csv', line) });
  }
  return { rows, skipped };
}

const FIXTURES = path.join(__dirname, '__fixtures__');

describe('LineNumberedCsvParser + CsvRowBuilder', () => {
  const cases: Array<[string, string]> = [
    ...readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.csv'))
      .map((f): [string, string] => [f, readFileSync(path.join(FIXTURES, f), 'utf8')]),
    ['a quoted field spanning lines', 'symbol,name,price\nBTC,"Bit\ncoin",1\nETH,Ether,2\n'],
    ['short and long rows', 'symbol,name,price\nBTC,Bitcoin\nETH,Ether,2,extra,more\nSOL,Solana,3\n'],
    ['blank lines and a BOM', '\uFEFFsymbol,price\n\nBTC,1\n\n\nETH,2\n'],
    ['headers that normalise to the same name', 'price,close,symbol\n1,2,BTC\n3,4,ETH\n'],
    ['an unparseable line in the middle', 'symbol,price\nBTC,1\nETH,"2"x\nSOL,3\n'],
    ['CRLF line endings', 'symbol,price\r\nBTC,1\r\nETH,2\r\n'],
  ];

  it.each(cases)(
    'should give the same payloads, lines and skips as csv-parse columns mode: %s',
    async (_name, text) => {
      const expected = await viaColumnsMode(text);
      const actual = await viaLineNumberedParser(text);
      expect(actual).toEqual(expected);
      // Same key order too: the raw payload is stored (and hashed) as JSON.
      expect(actual.rows.map((r) => JSON.stringify(r.payload))).toEqual(
        expected.rows.map((r) => JSON.stringify(r.payload)),
      );
      expect(actual.rows.length).toBeGreaterThan(0);
    },
  );

  it('should number a row after a multi-line field by the line it ends on', async () => {
    const { rows } = await viaLineNumberedParser('symbol,name\nBTC,"a\nb\nc"\nETH,e\n');
    expect(rows.map((r) => r.line)).toEqual([4, 5]);
  });

  it('should keep a "__proto__" column as a plain field, not as the prototype', () => {
    const row = new CsvRowBuilder(['__proto__', 'symbol']).build(['x', 'BTC'], 'f.csv', 2);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row).toEqual({ _proto_: 'x', symbol: 'BTC', _file: 'f.csv', _line: 2 });
  });
});
