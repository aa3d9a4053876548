import Fastify from 'fastify';
import { createServer } from 'node:http';
import { Pool } from 'pg';
import { ASSET_COLUMNS } from '../src/api/assets/assets.repository.js';
import { LATEST_CONSENSUS_SQL } from '../src/catalog/latest-quotes.repository.js';
import { CountCache } from '../src/common/sql/count-cache.js';
import { EXACT_TOTAL_LIMIT } from '../src/common/sql/list-total.js';
import { QUOTE_COLUMNS } from '../src/api/data/market-data.repository.js';
import { namedStatement } from '../src/platform/database/prepared-statement.js';
import { ASSETS_BY_SYMBOLS_SQL } from '../src/api/prices/prices.repository.js';
import { baselineHistoryStatement } from './history-statement.js';

/**
 * Baselines for the API benchmark: a bare node:http server (or, with BASELINE_HTTP=fastify, a bare
 * Fastify app with no plugins) running the same SQL as GET /data, GET /assets/{id}, GET /prices and
 * GET /assets/{id}/history through pg
 * (the service's own SQL strings, as named statements like the service's), with no validation, logging or envelope work.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
// The service's own count cache (src/common/sql/count-cache.ts), so both do the same database work.
const counts = new CountCache();

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
  if (params.get('after_at')) {
    add('(q.observed_at, q.id) < (?::timestamptz, ?::bigint)', params.get('after_at'), params.get('after_id'));
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // The limit is a bind parameter, as in the service (a parameterless query would take pg's cheaper
  // simple-query path, which the service never does).
  const rows = await pool.query(
    namedStatement(
      `SELECT ${QUOTE_COLUMNS} FROM market_quotes q JOIN assets a ON a.id = q.asset_id ${w} ORDER BY q.observed_at DESC, q.id DESC LIMIT $${args.length + 1}`,
      [...args, 51],
    ),
  );
  const key = JSON.stringify([params.get('symbol'), params.get('from'), params.get('to')]);
  const countArgs = args.slice(0, params.get('after_at') ? -2 : undefined);
  const countWhere = where.filter((c) => !c.startsWith('(q.observed_at, q.id)'));
  // As the service: unfiltered, the per-source counters; filtered, a count bounded at
  // EXACT_TOTAL_LIMIT + 1 rows (the service adds the planner's estimate past it: not reached here).
  const total =
    countWhere.length === 0
      ? pool
          .query(
            namedStatement(
              `SELECT coalesce(sum(rows), 0)::bigint::text AS n FROM source_counters WHERE table_name = 'market_quotes'`,
            ),
          )
          .then((r) => Number(r.rows[0].n))
      : counts.get(key, () =>
          pool
            .query(
              namedStatement(
                `SELECT count(*)::bigint::text AS n FROM (SELECT 1 FROM market_quotes q WHERE ${countWhere.join(' AND ')} LIMIT ${EXACT_TOTAL_LIMIT + 1}) bounded`,
                countArgs,
              ),
            )
            .then((r) => Number(r.rows[0].n)),
        );
  return { data: rows.rows.slice(0, 50), total: await total };
}

async function asset(id: string): Promise<unknown> {
  const [a, consolidated] = await Promise.all([
    pool.query(namedStatement(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1::uuid`, [id])),
    pool.query(namedStatement(LATEST_CONSENSUS_SQL, [[id], 3600, new Date().toISOString(), '5'])),
  ]);
  return { data: { ...a.rows[0], latest: consolidated.rows } };
}

/** GET /prices?symbols=…: the assets, then their latest quotes and consensus (two queries, as the service). */
async function prices(params: URLSearchParams): Promise<unknown> {
  const symbols = (params.get('symbols') ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const assets = (await pool.query(namedStatement(ASSETS_BY_SYMBOLS_SQL, [symbols]))).rows as Array<{ id: string }>;
  const latest = await pool.query(
    namedStatement(LATEST_CONSENSUS_SQL, [assets.map((a) => a.id), 3600, new Date().toISOString(), '5']),
  );
  const byAsset = new Map<string, unknown[]>();
  for (const r of latest.rows as Array<{ asset_id: string }>) {
    byAsset.set(r.asset_id, [...(byAsset.get(r.asset_id) ?? []), r]);
  }
  return { data: assets.map((a) => ({ asset: a, sources: byAsset.get(a.id) ?? [] })) };
}

/** GET /assets/{id}/history: the asset and the buckets, at once, as the service reads them. */
async function history(id: string, params: URLSearchParams): Promise<unknown> {
  const { sql, params: args } = baselineHistoryStatement(id, params);
  const [a, h] = await Promise.all([
    pool.query(namedStatement(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1::uuid`, [id])),
    pool.query(namedStatement(sql, args)),
  ]);
  return { data: { asset: a.rows[0], buckets: h.rows } };
}

/** The route table both variants serve: the same work, only the HTTP layer differs. */
function handle(pathname: string, params: URLSearchParams): Promise<unknown> {
  if (pathname === '/data') return data(params);
  if (pathname === '/prices') return prices(params);
  if (pathname.startsWith('/assets/') && pathname.endsWith('/history')) return history(pathname.split('/')[2], params);
  if (pathname.startsWith('/assets/')) return asset(pathname.split('/')[2]);
  return Promise.resolve(null);
}

const port = Number(process.env.PORT);

if (process.env.BASELINE_HTTP === 'fastify') {
  // The alternative baseline: bare Fastify (the framework the service runs on), no plugins.
  const app = Fastify();
  app.get('/*', async (req, reply) => {
    const url = new URL(req.url, 'http://x');
    const body = await handle(url.pathname, url.searchParams);
    return body ? body : reply.code(404).send(null);
  });
  void app.listen({ port, host: '127.0.0.1' });
} else {
  createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    handle(url.pathname, url.searchParams).then(
      (body) => {
        res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      (err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  }).listen(port, '127.0.0.1');
}
