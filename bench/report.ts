import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FILE = path.join(__dirname, '../../docs/BENCHMARKS.md');

/** Appends one benchmark's method, machine and results (a markdown table) to docs/BENCHMARKS.md. */
export function appendReport(
  title: string,
  r: { method: string; environment: string; header: string[]; rows: string[][]; notes?: string },
): Promise<void> {
  // The smoke test of the benchmarks (inside npm test) must not write tiny-sample figures into the docs.
  if (process.env.BENCH_REPORT === 'off') return Promise.resolve();
  if (!existsSync(FILE)) {
    writeFileSync(
      FILE,
      '# Benchmarks\n\nRun with `npm run bench` (or `npm run bench:ingest`, `npm run bench:api`). Each run appends a section below; the newest is last.\n',
    );
  }
  const table = [
    `| ${r.header.join(' | ')} |`,
    `| ${r.header.map(() => '---').join(' | ')} |`,
    ...r.rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
  appendFileSync(
    FILE,
    `\n## ${title} — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\n**Method.** ${r.method}\n\n**Machine.** ${r.environment}\n\n${table}\n${r.notes ? `\n${r.notes}\n` : ''}`,
  );
  return Promise.resolve();
}
