import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export interface ServiceRun {
  /** The source run's own duration from the run ledger (boot and shutdown excluded). */
  seconds: number;
  /** Peak resident memory of the process (Linux VmHWM), in MB; null where /proc is unavailable. */
  peakRssMb: number | null;
  totals: { extracted: number; inserted: number; updated: number; unchanged: number; quarantined: number };
}

const CLI = path.join(__dirname, '../src/tools/cli/etl-cli.js');

/** The V8 settings the image and `npm start` / `npm run etl` use (docker/Dockerfile, package.json). */
export const NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=32'];

function peakRssMb(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Runs one source exactly as operators do (`npm run etl -- run --source <id>`: the service's modules
 * in their own process) and reads back what the run ledger recorded. The process's peak RSS is
 * sampled from /proc while it runs.
 */
export async function runSourceOnce(source: string, env: Record<string, string>): Promise<ServiceRun> {
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, 'run', '--source', source, '--json'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, ETL_SOURCES: source },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let peak: number | null = null;
  const sampler = setInterval(() => {
    const now = child.pid ? peakRssMb(child.pid) : null;
    if (now !== null) peak = Math.max(peak ?? 0, now);
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`etl run --source ${source} exited with ${code}:\n${output.slice(-2000)}`);

  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{
      duration_ms: number;
      records_extracted: number;
      records_inserted: number;
      records_updated: number;
      records_unchanged: number;
      records_quarantined: number;
    }>(
      `SELECT duration_ms, records_extracted, records_inserted, records_updated, records_unchanged, records_quarantined
         FROM etl_source_runs WHERE source = $1 ORDER BY id DESC LIMIT 1`,
      [source],
    );
    const r = rows[0];
    return {
      seconds: r.duration_ms / 1000,
      peakRssMb: peak,
      // bigint columns: text from pg.
      totals: {
        extracted: Number(r.records_extracted),
        inserted: Number(r.records_inserted),
        updated: Number(r.records_updated),
        unchanged: Number(r.records_unchanged),
        quarantined: Number(r.records_quarantined),
      },
    };
  } finally {
    await db.end();
  }
}

/** `etl compact` as operators run it (the hourly partition maintenance, now): its duration in seconds. */
export async function compactOnce(env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, 'compact', '--json'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, ETL_SOURCES: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`etl compact exited with ${code}:\n${output.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

/**
 * A server script (the service's dist/src/main.js, or a baseline) in its own process with the
 * service's V8 settings (as `npm start` runs it), once it answers HTTP on `port`.
 */
export async function startProcess(script: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/data?limit=1`)).status < 500) return child;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`${script} did not start`);
}
