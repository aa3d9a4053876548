import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseCsvDialects, type CsvDialectDeclaration } from './csv-dialect.js';
import { readFileDialect, type FileDialect } from './csv-file-dialect.js';
import { CsvEvidenceScanner } from './csv-scan.js';
import { LineNumberedCsvParser, type CsvRow } from './csv-rows.js';

const HEADER = 'symbol,name,price_usd,market_cap_usd,last_updated';

describe(readFileDialect.name, () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'csv-dialect-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  async function dialectOf(text: string, declaration?: string) {
    const file = path.join(dir, `f${n++}.csv`);
    writeFileSync(file, text);
    const declared: CsvDialectDeclaration | undefined = declaration
      ? parseCsvDialects(`*:${declaration}`)[0]
      : undefined;
    return readFileDialect(file, declared);
  }

  type Expected = Pick<FileDialect, 'delimiter' | 'decimal' | 'dates'>;
  const lines = (...rows: string[]) => rows.join('\n') + '\n';
  it.each<[string, string, string | undefined, Expected]>([
    [
      'a comma file with decimal points',
      lines(HEADER, 'BTC,Bitcoin,96518.00,1916585996993,2025-05-02'),
      undefined,
      { delimiter: ',', decimal: '.', dates: undefined },
    ],
    [
      'a semicolon file with decimal commas',
      lines(
        'symbol;name;price_usd;market_cap_usd;last_updated',
        'BTC;Bitcoin;96518,50;1.916.585;2025-05-02',
        'ETH;Ethereum;1.234;1;2025-05-02',
      ),
      undefined,
      { delimiter: ';', decimal: ',', dates: undefined },
    ],
    [
      'a tab file',
      lines('ticker\tprice\tdate', 'BTC\t1,234\t2025-05-02', 'ETH\t3,138.31\t2025-05-02'),
      undefined,
      { delimiter: '\t', decimal: '.', dates: undefined },
    ],
    [
      'quoted decimal commas in a comma file',
      lines(HEADER, 'BTC,Bitcoin,"2,75",1,2025-05-02', 'ETH,Ethereum,"1,234",2,2025-05-02'),
      undefined,
      { delimiter: ',', decimal: ',', dates: undefined },
    ],
    [
      'thousands commas settling a 1,234',
      lines(HEADER, 'BTC,Bitcoin,"1,234.50",1,2025-05-02', 'ETH,Ethereum,"1,234",2,2025-05-02'),
      undefined,
      { delimiter: ',', decimal: '.', dates: undefined },
    ],
    [
      'space thousands with a decimal comma',
      lines('symbol;price_usd;last_updated', 'BTC;1 234,50;2025-05-02', 'ETH;12,500;2025-05-02'),
      undefined,
      { delimiter: ';', decimal: ',', dates: undefined },
    ],
    [
      'both marks in one file',
      lines(
        HEADER,
        'BTC,Bitcoin,"2,75",1,2025-05-02',
        'ETH,Ethereum,1.5,2,2025-05-02',
        'SOL,Solana,"1,234",3,2025-05-02',
      ),
      undefined,
      { delimiter: ',', decimal: 'mixed', dates: undefined },
    ],
    [
      'no value settling an ambiguous one',
      lines(HEADER, 'BTC,Bitcoin,"1,234",1,2025-05-02', 'ETH,Ethereum,12,2,2025-05-02'),
      undefined,
      { delimiter: ',', decimal: undefined, dates: undefined },
    ],
    [
      'a day above 12 settling the order',
      lines(HEADER, 'BTC,Bitcoin,1,1,03/04/2025', 'ETH,Ethereum,1,1,13/04/2025'),
      undefined,
      { delimiter: ',', decimal: undefined, dates: 'dmy' },
    ],
    [
      'a month-first date settling the order',
      lines(HEADER, 'BTC,Bitcoin,1,1,03/04/2025', 'ETH,Ethereum,1,1,04/13/2025'),
      undefined,
      { delimiter: ',', decimal: undefined, dates: 'mdy' },
    ],
    [
      'dates in both orders',
      lines(HEADER, 'BTC,Bitcoin,1,1,03/04/2025', 'ETH,Ethereum,1,1,04/13/2025', 'SOL,Solana,1,1,13/04/2025'),
      undefined,
      { delimiter: ',', decimal: undefined, dates: 'mixed' },
    ],
    [
      'no date settling an ambiguous one',
      lines(HEADER, 'BTC,Bitcoin,1,1,03/04/2025', 'ETH,Ethereum,1,1,2025-04-13', 'SOL,Solana,1,1,05/05/2025'),
      undefined,
      { delimiter: ',', decimal: undefined, dates: undefined },
    ],
    [
      'declared parts, always carried',
      lines(HEADER, 'BTC,Bitcoin,1.5,1,2025-05-02'),
      'decimal=comma,dates=mdy',
      { delimiter: ',', decimal: ',', dates: 'mdy' },
    ],
    [
      'a declared delimiter',
      lines('symbol;price_usd;last_updated', 'BTC;"2,75";03/04/2025'),
      'delimiter=semicolon,dates=dmy',
      { delimiter: ';', decimal: ',', dates: 'dmy' },
    ],
    [
      'a BOM, CRLF and blank lines before the header',
      '\uFEFF\r\n\r\nsymbol;price_usd;last_updated\r\nBTC;"2,5";2025-05-02\r\nETH;1,234;2025-05-02\r\n',
      undefined,
      { delimiter: ';', decimal: ',', dates: undefined },
    ],
    [
      'a quoted field holding delimiters, quotes and line breaks',
      lines(HEADER, 'BTC,"Bit ""coin"",\n2,75",1.5,1,2025-05-02', 'ETH,Ethereum,"1,234",2,2025-05-02'),
      undefined,
      { delimiter: ',', decimal: '.', dates: undefined },
    ],
    [
      'a row of the wrong width giving no evidence',
      lines(
        HEADER,
        'BTC,Bitcoin,2,75,1,2025-05-02',
        'ETH,Ethereum,"1,234",2,2025-05-02',
        'SOL,Solana,0.5,3,2025-05-02',
      ),
      undefined,
      { delimiter: ',', decimal: '.', dates: undefined },
    ],
    [
      'no final line break',
      `${HEADER}\nBTC,Bitcoin,"1,234",1,2025-05-02\nETH,Ethereum,"0,5",1,2025-05-02`,
      undefined,
      { delimiter: ',', decimal: ',', dates: undefined },
    ],
    ['an empty file', '', undefined, { delimiter: ',', decimal: undefined, dates: undefined }],
    ['a header only', HEADER, undefined, { delimiter: ',', decimal: undefined, dates: undefined }],
  ])('should read %s', async (_name, text, declaration, expected) => {
    const result = await dialectOf(text, declaration);
    expect(
      result.ok && {
        delimiter: result.dialect.delimiter,
        decimal: result.dialect.decimal,
        dates: result.dialect.dates,
      },
    ).toEqual(expected);
  });

  it('should record the first line of each reading and count the ambiguous values', async () => {
    const result = await dialectOf(
      lines(
        HEADER,
        'BTC,Bitcoin,1,"1,234",03/04/2025',
        'ETH,Ethereum,"1.234,5",1,2025-05-02',
        'SOL,Solana,"1,234.5",1,13/04/2025',
        'XRP,XRP,1.234,1,01/02/2025',
      ),
    );
    expect(result.ok && result.dialect.evidence).toEqual({
      decimal: { firstLine: { ',': 3, '.': 4 }, ambiguous: 2 },
      dates: { firstLine: { dmy: 4 }, ambiguous: 2 },
    });
  });

  it.each([
    [
      'a semicolon header read with a declared comma',
      lines('symbol;price_usd;last_updated', 'BTC;1;2025-05-02', 'ETH;2;2025-05-02'),
      'delimiter=comma',
      /the delimiter declared in CSV_DIALECTS \(comma\) splits "symbol;price_usd;last_updated"/,
      2,
    ],
    [
      'a header of unknown names',
      lines('a,b,c', '1,2,3'),
      undefined,
      /no delimiter \(comma, semicolon, tab\) splits "a,b,c" into at least 2 known column names/,
      1,
    ],
    ['a header with one known name', lines('price|symbol|date', '1|BTC|2025-05-02'), undefined, /no delimiter/, 1],
    [
      'a header two delimiters both read',
      lines('symbol,price,x;name;date', '1'),
      undefined,
      /comma and semicolon both split/,
      1,
    ],
  ])(
    'should report %s, with why and how many lines were not read',
    async (_name, text, declaration, reason, linesAfter) => {
      const result = await dialectOf(text, declaration);
      expect(result).toEqual({
        ok: false,
        reason: expect.stringMatching(reason),
        header: text.split('\n')[0],
        linesAfter,
      });
    },
  );
});

describe(CsvEvidenceScanner.name, () => {
  const header = ['symbol', 'name', 'price_usd', 'observed_at'];
  const text = [
    'symbol,name,price_usd,observed_at',
    'BTC,"Bit,coin ""x""",1.5,13/04/2025',
    'ETH,"multi\nline\r\nname","1,234",03/04/2025',
    '',
    'SOL,Solana,"2,75",04/13/2025',
    'XRP,XRP,12.345,01/01/2025',
    'ADA,Cardano,"1.234,5",05/06/2025',
  ].join('\r\n');

  function scan(chunkSize: number) {
    const scanner = new CsvEvidenceScanner(',', header);
    for (let i = 0; i < text.length; i += chunkSize) scanner.feed(text.slice(i, i + chunkSize));
    return scanner.end();
  }

  it('should find the same evidence whatever the chunk boundaries', () => {
    const whole = scan(text.length);
    // csv-parse's count: ETH's quoted name holds LF and CRLF (3 lines by its count), line 7 is blank,
    // SOL is on line 8 (01/01 reads the same either way).
    expect(whole).toEqual({
      decimal: { firstLine: { '.': 2, ',': 8 }, ambiguous: 2 },
      dates: { firstLine: { dmy: 2, mdy: 8 }, ambiguous: 2 },
    });
    for (const size of [1, 2, 3, 5, 7, 11, 64]) expect(scan(size)).toEqual(whole);
  });

  it('should number rows as csv-parse does (the natural keys of the second pass)', async () => {
    const lines: Record<string, number> = {};
    const parser = Readable.from([text]).pipe(
      new LineNumberedCsvParser({ bom: true, skip_empty_lines: true, relax_column_count: true }),
    );
    for await (const row of parser as AsyncIterable<CsvRow>) lines[row.fields[0]] = row.line;
    expect(scan(text.length).decimal.firstLine).toEqual({ '.': lines.BTC, ',': lines.SOL });
  });

  it('should stay bounded on a huge quoted field and still read the rows after it', () => {
    const scanner = new CsvEvidenceScanner(',', header);
    scanner.feed('symbol,name,price_usd,observed_at\nBTC,"');
    for (let i = 0; i < 50; i++) scanner.feed('x'.repeat(10_000));
    scanner.feed('",1,2025-01-01\nETH,Ether,"2,5",13/01/2025\n');
    expect(scanner.end()).toEqual({
      decimal: { firstLine: { ',': 3 }, ambiguous: 0 },
      dates: { firstLine: { dmy: 3 }, ambiguous: 0 },
    });
  });
});
