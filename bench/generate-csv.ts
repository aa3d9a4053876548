import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Where a generated file's hours start (successive drops of new instants), and its name. */
export interface CsvOptions {
  /** Hours after 2024-01-01T00:00Z of the file's first timestamp (default 0). */
  firstHour?: number;
  name?: string;
}

/**
 * A realistic large CSV: `assets` coins x enough hourly timestamps for `rows` rows, in the
 * canonical layout, with a sprinkling of messy values (currency signs and thousands separators,
 * N/A, blanks) and a few unfixable rows that must be quarantined. `range` is the timestamps'
 * span [from, to).
 */
export async function generateCsv(
  dir: string,
  rows: number,
  assets = 3000,
  options: CsvOptions = {},
): Promise<{ file: string; quarantinable: number; range: { from: Date; to: Date } }> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, options.name ?? `bench-${rows}.csv`);
  const out = createWriteStream(file);
  out.write('symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,rank,last_updated\n');
  const start = Date.parse('2024-01-01T00:00:00Z') + (options.firstHour ?? 0) * 3_600_000;
  let bad = 0;
  for (let i = 0; i < rows; i++) {
    const a = i % assets;
    const t = Math.floor(i / assets);
    const price = (((a * 7919 + t * 31) % 100000) / 100 + 0.01).toFixed(4);
    let priceCell = price;
    if (i % 97 === 0) priceCell = `"$${Number(price).toLocaleString('en-US', { minimumFractionDigits: 2 })}"`;
    if (i % 50021 === 7) {
      priceCell = 'oops';
      bad += 1;
    }
    const vol = i % 1009 === 0 ? 'N/A' : String(Math.round(Number(price) * 1e6));
    const change = i % 2003 === 0 ? '' : (((a + t) % 21) - 10).toFixed(2);
    const line = `BC${a},Bench Coin ${a},${priceCell},${Math.round(Number(price) * 1e7)},${vol},${change},${a + 1},${new Date(start + t * 3_600_000).toISOString()}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const hours = Math.ceil(rows / assets);
  return { file, quarantinable: bad, range: { from: new Date(start), to: new Date(start + hours * 3_600_000) } };
}
