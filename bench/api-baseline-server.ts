import { createServer } from 'node:http';
import { Pool } from 'pg';
import { ASSET_COLUMNS, CONSOLIDATED_SQL } from '../src/assets/assets.repository.js';
import { QUOTE_COLUMNS } from '../src/data/market-data.repository.js';

/**
 * Baseline for the API benchmark: a bare node:http server running the same SQL as GET /data and
 * GET /assets/{id} through pg (the service's own SQL strings), with no framework, validation,
 * logging or envelope work.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const counts = new Map<string, { value: Promise<number>; expires: number }>();

async function data(params: URLSearchParams): Promise<unknown> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, ...v: unknown[]) => {
    let i = 0;
    where.push(sql.replace(/\?/g, () => `$${args.push(v[i++])}`));
  };
  if (params.get('symbol')) add('q.asset_id IN (SELECT id FROM assets WHERE symbol = upper(?))', params.get('symbol'));
  if (params.get('from')) add('q.observed_at >= ?', params.get('from'));
  if (params.get('to')) add('q.observed_at < ?', params.get('to'));
  if (params.get('after_at')) add('(q.observed_at, q.id) < (?::timestamptz, ?::bigint)', params.get('after_at'), params.get('after_id'));
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows = await pool.query(`SELECT ${QUOTE_COLUMNS} FROM market_quotes q JOIN assets a ON a.id = q.asset_id ${w} ORDER BY q.observed_at DESC, q.id DESC LIMIT 51`, args);
  // Same count caching as the service (10 s per filter set), so both do the same database work.
  const key = JSON.stringify([params.get('symbol'), params.get('from'), params.get('to')]);
  let total = counts.get(key);
  if (!total || total.expires < Date.now()) {
    const countArgs = args.slice(0, params.get('after_at') ? -2 : undefined);
    const countWhere = where.filter((c) => !c.startsWith('(q.observed_at, q.id)'));
    total = { value: pool.query(`SELECT count(*)::bigint AS n FROM market_quotes q ${countWhere.length ? `WHERE ${countWhere.join(' AND ')}` : ''}`, countArgs).then((r) => Number(r.rows[0].n)), expires: Date.now() + 10_000 };
    counts.set(key, total);
  }
  return { data: rows.rows.slice(0, 50), total: await total.value };
}

async function asset(id: string): Promise<unknown> {
  const [a, consolidated] = await Promise.all([
    pool.query(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1::uuid`, [id]),
    pool.query(CONSOLIDATED_SQL, [id, 3600]),
  ]);
  return { data: { ...a.rows[0], latest: consolidated.rows } };
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const work = url.pathname === '/data' ? data(url.searchParams) : url.pathname.startsWith('/assets/') ? asset(url.pathname.split('/')[2]) : Promise.resolve(null);
  work.then(
    (body) => {
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    },
    (err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    },
  );
}).listen(Number(process.env.PORT), '127.0.0.1');
