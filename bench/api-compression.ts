import autocannon from 'autocannon';
import { median } from './bench-db.js';
import { openLoop } from './open-loop.js';

/** One response size to compare: a path on both services. */
export interface CompressionTarget {
  label: string;
  path: string;
}

export interface CompressionRun {
  /** The service as shipped (compression on), asked with `Accept-Encoding: gzip`. */
  compressingUrl: string;
  /** The same service with COMPRESSION_ENABLED=false: no compression hook on any request. */
  plainUrl: string;
  targets: CompressionTarget[];
  seconds: number;
  connections: number;
  rounds: number;
}

const GZIP = { 'accept-encoding': 'gzip' };

async function saturated(url: string, headers: Record<string, string>, run: CompressionRun): Promise<number> {
  const r = await autocannon({ url, connections: run.connections, duration: run.seconds, pipelining: 1, headers });
  return r.requests.average;
}

/** Bytes on the wire for one answer (content-length, or the body read raw when chunked). */
async function wireBytes(url: string, headers: Record<string, string>): Promise<{ bytes: number; encoding: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * What compression costs: each target on the shipped service (a client accepting gzip) against the
 * same service with compression off, saturated and at half the plain service's rate, in interleaved
 * rounds. Small answers (below the threshold) show the cost of the hook alone; large ones show the
 * bytes saved against the CPU spent.
 */
export async function compressionRows(run: CompressionRun): Promise<string[][]> {
  const rows: string[][] = [];
  for (const target of run.targets) {
    const on = `${run.compressingUrl}${target.path}`;
    const off = `${run.plainUrl}${target.path}`;
    const [zipped, plain] = [await wireBytes(on, GZIP), await wireBytes(off, GZIP)];
    const rps = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < run.rounds; i++) {
      rps.on.push(await saturated(on, GZIP, run));
      rps.off.push(await saturated(off, GZIP, run));
    }
    const rate = Math.max(1, Math.round(median(rps.off) / 2));
    const p99 = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < run.rounds; i++) {
      p99.on.push((await openLoop(on, rate, run.seconds, run.connections, { headers: GZIP })).p99);
      p99.off.push((await openLoop(off, rate, run.seconds, run.connections, { headers: GZIP })).p99);
    }
    const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    rows.push([
      target.label,
      `${plain.bytes.toLocaleString('en-US')} → ${zipped.bytes.toLocaleString('en-US')} (${zipped.encoding})`,
      median(rps.off).toFixed(0),
      median(rps.on).toFixed(0),
      `${((median(rps.on) / median(rps.off)) * 100).toFixed(0)} %`,
      `${median(p99.off).toFixed(1)} (runs ${runs(p99.off)})`,
      `${median(p99.on).toFixed(1)} (runs ${runs(p99.on)})`,
      String(rate),
    ]);
  }
  return rows;
}

export const COMPRESSION_HEADER = [
  'answer',
  'bytes on the wire: off → on',
  'req/s, compression off',
  'req/s, compression on (gzip client)',
  'throughput on / off',
  'p99 ms at half load, off',
  'p99 ms at half load, on',
  'half-load rate (req/s)',
];
