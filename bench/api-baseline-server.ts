import { createServer } from 'node:http';
import { Pool } from 'pg';

/**
 * Baseline for the API benchmark: a bare node:http server running the same SQL as GET /data and
 * GET /assets/{id} through pg, with no framework, validation, logging or envelope work.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const counts = new Map<string, { value: Promise<number>; expires: number }>();
const COLS = `q.id::text AS id, q.asset_id, a.symbol, a.name, q.source, q.source_asset_id, q.observed_at, q.price_usd::text AS price_usd,
  q.market_cap_usd::text AS market_cap_usd, q.volume_24h_usd::text AS volume_24h_usd, q.change_24h_pct::text AS change_24h_pct, q.rank,
  q.circulating_supply::text AS circulating_supply, q.total_supply::text AS total_supply, q.max_supply::text AS max_supply, q.ingested_at`;

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
  const rows = await pool.query(`SELECT ${COLS} FROM market_quotes q JOIN assets a ON a.id = q.asset_id ${w} ORDER BY q.observed_at DESC, q.id DESC LIMIT 51`, args);
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
  const [a, latest] = await Promise.all([
    pool.query(`SELECT a.*, (SELECT json_agg(m) FROM asset_source_ids m WHERE m.asset_id = a.id) AS source_ids FROM assets a WHERE a.id = $1`, [id]),
    pool.query(`SELECT DISTINCT ON (source) source, price_usd::text, observed_at FROM market_quotes WHERE asset_id = $1 ORDER BY source, observed_at DESC`, [id]),
  ]);
  return { data: { ...a.rows[0], latest: latest.rows } };
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
