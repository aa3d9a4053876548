import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const PROMQL_WORDS = new Set([
  'sum',
  'by',
  'rate',
  'increase',
  'histogram_quantile',
  'time',
  'le',
  'source',
  'outcome',
  'status',
  'reason',
  'kind',
  'rule',
  'route',
  'instance',
  'avg',
  'max',
  'min',
  'without',
  'on',
  'ignoring',
]);

type Dashboard = {
  panels: Array<{ targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; query: string | { query: string } }> };
};

const DASHBOARDS_DIR = path.join(__dirname, '../../docker/grafana/dashboards');
const dashboardFiles = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));

function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
}

/** Metric names used by a dashboard's PromQL and variable queries (histogram suffixes folded to the family). */
function dashboardMetricNames(file = 'kasparro-etl.json'): string[] {
  const dashboard = loadDashboard(file);
  const names = new Set<string>();
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...(dashboard.templating?.list ?? []).map((v) =>
      (typeof v.query === 'string' ? v.query : v.query.query).replace(/^label_values\(/, '('),
    ),
  ];
  for (const expr of exprs) {
    const withoutLabels = expr
      .replace(/\{[^}]*\}/g, '')
      .replace(/\[[^\]]*\]/g, '')
      .replace(/"[^"]*"/g, '');
    for (const word of withoutLabels.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
      if (!PROMQL_WORDS.has(word) && /_/.test(word)) names.add(word.replace(/_(bucket|count|sum)$/, ''));
    }
  }
  return [...names].sort();
}

describe('Grafana dashboard and Prometheus config', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp({ DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('should only use metrics the service really exports', async () => {
    const scrape = await request(app.getHttpServer()).get('/metrics').expect(200);
    const exported = new Set([...scrape.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));

    expect(dashboardFiles).toEqual(expect.arrayContaining(['kasparro-etl.json', 'kasparro-market-data.json']));
    for (const file of dashboardFiles) {
      const used = dashboardMetricNames(file);

      expect({ file, enough: used.length >= 6 }).toEqual({ file, enough: true });
      expect({ file, missing: used.filter((name) => !exported.has(name)) }).toEqual({ file, missing: [] });
    }
    expect(dashboardMetricNames().length).toBeGreaterThanOrEqual(10);
  });

  it('should give the market-data dashboard $source and $instance variables that its panels use', () => {
    const market = loadDashboard('kasparro-market-data.json');
    expect(market.templating.list.map((v) => v.name)).toEqual(['source', 'instance']);
    const exprs = market.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.every((e) => e.includes('instance=~"$instance"'))).toBe(true);
    expect(exprs.filter((e) => e.includes('source=~"$source"')).length).toBeGreaterThanOrEqual(5);
    expect(dashboardMetricNames('kasparro-market-data.json')).toEqual(
      expect.arrayContaining([
        'etl_source_data_age_seconds',
        'etl_consensus_max_spread_percent',
        'etl_divergent_assets',
        'etl_records_total',
        'etl_records_extracted_total',
      ]),
    );
  });

  // Per-process series (upstream requests, retries) are summed; ledger-served ones are the same on every replica.
  it('should aggregate ledger-served ETL series with max, never sum across replicas', () => {
    for (const file of dashboardFiles) {
      for (const { targets } of loadDashboard(file).panels) {
        for (const { expr } of targets) {
          const sumOverReplicas = /sum (by \([^)]*\) )?\((rate|increase)\(etl_(?!http_requests|retries)/.test(expr);
          expect({ file, expr, sumOverReplicas }).toEqual({ file, expr, sumOverReplicas: false });
        }
      }
    }
  });

  it('should cover ingestion, runs, errors, retries, drift and API latency', () => {
    expect(dashboardMetricNames()).toEqual(
      expect.arrayContaining([
        'etl_records_total',
        'etl_runs_total',
        'etl_run_duration_seconds',
        'etl_retries_total',
        'etl_drift_events_total',
        'http_request_duration_seconds',
      ]),
    );
  });

  it('should scrape the app service on the port and path the app serves', () => {
    const prometheus = readFileSync(path.join(__dirname, '../../docker/prometheus/prometheus.yml'), 'utf8');

    expect(prometheus).toMatch(/metrics_path: \/metrics/);
    expect(prometheus).toMatch(/targets: \["app:8000"\]/);
  });
});
