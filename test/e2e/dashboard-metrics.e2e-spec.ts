import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const PROMQL_WORDS = new Set(['sum', 'by', 'rate', 'increase', 'histogram_quantile', 'time', 'le', 'source', 'outcome', 'status', 'reason', 'kind', 'rule', 'route', 'instance', 'avg', 'max', 'min', 'without', 'on', 'ignoring']);

/** Metric names used by the dashboard's PromQL (histogram series suffixes folded to the family). */
function dashboardMetricNames(): string[] {
  const dashboard = JSON.parse(readFileSync(path.join(__dirname, '../../docker/grafana/dashboards/kasparro-etl.json'), 'utf8')) as {
    panels: Array<{ targets: Array<{ expr: string }> }>;
  };
  const names = new Set<string>();
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').replace(/"[^"]*"/g, '');
      for (const word of withoutLabels.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
        if (!PROMQL_WORDS.has(word) && /_/.test(word)) names.add(word.replace(/_(bucket|count|sum)$/, ''));
      }
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

    const used = dashboardMetricNames();

    expect(used.length).toBeGreaterThanOrEqual(10);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('should cover ingestion, runs, errors, retries, drift and API latency', () => {
    expect(dashboardMetricNames()).toEqual(expect.arrayContaining([
      'etl_records_total', 'etl_runs_total', 'etl_run_duration_seconds', 'etl_retries_total', 'etl_drift_events_total', 'http_request_duration_seconds',
    ]));
  });

  it('should scrape the app service on the port and path the app serves', () => {
    const prometheus = readFileSync(path.join(__dirname, '../../docker/prometheus/prometheus.yml'), 'utf8');

    expect(prometheus).toMatch(/metrics_path: \/metrics/);
    expect(prometheus).toMatch(/targets: \["app:8000"\]/);
  });
});
