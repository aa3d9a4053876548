import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  DeclaredExtractor,
  SourcePlugin,
  type ExtractContext,
  type ExtractedBatch,
  type MapResult,
  type RawRecord,
  type StreamCursor,
  streamOf,
  shown,
} from '@kasparro/etl-plugin-sdk';
import { canonicalHeader } from './csv-headers.js';
import { CsvSourceConfig } from './csv.config.js';
import { DELIMITER_NAME, declarationFor, type CsvDelimiter } from './csv-dialect.js';
import { readFileDialect } from './csv-file-dialect.js';
import { CsvRowBuilder, LineNumberedCsvParser, type CsvRow } from './csv-rows.js';
import { mapCsvRow, type CsvFileFormat } from './csv.mapper.js';

interface FileState {
  sha256: string;
  /** Last line of the file committed (csv-parse's line count: a quoted field may span lines). */
  line: number;
  done: boolean;
}
type CsvCursor = StreamCursor & { files: Record<string, FileState> };

// The canonical CSV columns (text until mapped): the coin and its price, the market figures, then rank and time.
const QUOTES = streamOf(
  'quotes',
  'market_quotes',
  'symbol:string',
  'name:string',
  'price_usd:string!',
  'market_cap_usd:string',
  'volume_24h_usd:string',
  'change_24h_pct:string',
  'rank:string',
  'observed_at:string!',
);

/**
 * Every `*.csv` in CSV_SOURCE_DIR, streamed with csv-parse. Incremental by content hash and line
 * number: an unchanged, fully read file is skipped; a partly read one resumes after its last
 * committed row; a changed one is read again from the top (upserts on natural keys keep it
 * idempotent). Each file is read twice: a cheap first pass settles its dialect (delimiter, decimal
 * mark, day/month order: declared in CSV_DIALECTS or detected, see csv-file-dialect.ts), the second
 * parses it into batches. Rows that cannot be parsed, or whose field count differs from the
 * header's, are rejected (quarantined) with the reason; a file whose header cannot be read is
 * reported as one rejected entry naming why.
 */
@SourcePlugin({ id: 'csv' })
@Injectable()
export class CsvExtractor extends DeclaredExtractor {
  /**
   * Each file's number format and date order, set by its first pass before any of its rows is
   * yielded, read by `map()`. Kept here rather than copied into every raw payload (that would add
   * bytes to each stored row); runs of one source never overlap (the source lock), so the entry a
   * row is mapped with is its file's, for the content the row came from.
   */
  private readonly formats = new Map<string, CsvFileFormat>();

  constructor(@Inject(CsvSourceConfig) private readonly config: CsvSourceConfig) {
    super({ sourceId: 'csv', priority: 10, streams: [QUOTES] });
  }

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const dir = path.resolve(this.config.dir);
    const files = (
      await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`csv: cannot read CSV_SOURCE_DIR ${dir}: ${err.code ?? err.message}`);
      })
    )
      .filter(
        (e) => e.isFile() && e.name.toLowerCase().endsWith('.csv') && !this.config.ignore.has(e.name.toLowerCase()),
      )
      .map((e) => e.name)
      .sort();
    for (const known of this.formats.keys()) if (!files.includes(known)) this.formats.delete(known);
    const previous = (context.cursor('quotes') as CsvCursor | undefined)?.files ?? {};
    const state: Record<string, FileState> = { ...previous };
    for (const file of files) {
      context.signal.throwIfAborted();
      const fullPath = path.join(dir, file);
      const sha256 = await hashFile(fullPath);
      const before = previous[file];
      if (before?.sha256 === sha256 && before.done) continue;
      const skip = before?.sha256 === sha256 ? (before.line ?? 0) : 0;
      context.logger.log?.(
        { file, resumeAfterLine: skip },
        before && skip === 0 ? 'csv: file changed, reading it again' : 'csv: reading file',
      );
      let records: RawRecord[] = [];
      let rejects: NonNullable<ExtractedBatch['rejects']> = [];
      let line = skip;
      const flush = (done: boolean): ExtractedBatch => {
        state[file] = { sha256, line, done };
        const batch: ExtractedBatch = { stream: 'quotes', records, rejects, cursor: { files: { ...state } } };
        records = [];
        rejects = [];
        return batch;
      };
      // First pass: delimiter, decimal mark and day/month order, from the declaration or the file itself.
      const read = await readFileDialect(fullPath, declarationFor(file, this.config.dialects));
      if (!read.ok) {
        context.logger.warn({ file, reason: read.reason }, 'csv: file not read');
        const reason = `${file}: ${read.reason}; its ${read.linesAfter} other line(s) were not read`;
        const payload = { _file: file, _line: 1, header: read.header.slice(0, 1000) };
        rejects.push({ naturalKey: `${file}#header`, payload, reason });
        yield flush(true);
        continue;
      }
      const { dialect } = read;
      this.formats.set(file, { decimal: dialect.decimal, dates: dialect.dates });
      const { decimal, dates, evidence } = dialect;
      const delimiter = DELIMITER_NAME[dialect.delimiter];
      context.logger.log?.({ file, delimiter, decimal, dates, evidence }, 'csv: file dialect');
      // Positions are csv-parse's line numbers, not a counter: the parser reports unreadable lines
      // (the 'skip' event) ahead of the records before them reaching this loop.
      // 16 KiB reads keep each synchronous parse slice short, so the ETL's pipelined database work
      // is not kept waiting behind a 64 KiB parse (measured: ~10 % faster end to end).
      const parser = createReadStream(fullPath, { highWaterMark: 16 * 1024 }).pipe(
        new LineNumberedCsvParser({
          bom: true,
          delimiter: dialect.delimiter,
          skip_empty_lines: true,
          relax_column_count: true,
          skip_records_with_error: true,
        }),
      );
      parser.on('skip', (err: Error & { lines?: number; record?: unknown }) => {
        const at = err.lines ?? 0;
        if (at > skip) {
          rejects.push({
            naturalKey: `${file}#${at}`,
            payload: { _file: file, _line: at, raw: shown(err.record) },
            reason: `unparseable CSV line ${at}: ${err.message}`,
          });
        }
      });
      let rows: CsvRowBuilder | undefined;
      let width = 0;
      for await (const { fields, line: at } of parser as AsyncIterable<CsvRow>) {
        if (!rows) {
          rows = new CsvRowBuilder(fields.map(canonicalHeader));
          width = fields.length;
          continue;
        }
        if (at <= skip) continue;
        line = at;
        // A row of another width than the header's cannot be matched to columns: rejected, never shifted.
        if (fields.length !== width) {
          rejects.push(widthReject({ file, line, fields, width, delimiter: dialect.delimiter }));
        } else records.push({ naturalKey: `${file}#${line}`, payload: rows.build(fields, file, line) });
        if (records.length + rejects.length >= context.batchSize) {
          context.signal.throwIfAborted();
          yield flush(false);
        }
      }
      yield flush(true);
    }
  }

  map(record: RawRecord): MapResult {
    return mapCsvRow(record.payload, this.formats.get(record.payload._file as string));
  }
}

interface WidthMismatch {
  file: string;
  line: number;
  fields: string[];
  width: number;
  delimiter: CsvDelimiter;
}

/** A row with more or fewer fields than the header: its columns cannot be matched, so none is guessed. */
type Reject = NonNullable<ExtractedBatch['rejects']>[number];

function widthReject({ file, line, fields, width, delimiter }: WidthMismatch): Reject {
  const hint = fields.length > width ? ` (a value holding a ${DELIMITER_NAME[delimiter]} must be quoted)` : '';
  return {
    naturalKey: `${file}#${line}`,
    payload: { _file: file, _line: line, fields },
    reason:
      `line ${line} has ${fields.length} fields, the header has ${width}: ` +
      `its values cannot be matched to columns${hint}`,
  };
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
