import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { METRIC } from '../../src/platform/metrics/etl.metrics.js';

const root = path.join(__dirname, '../..');
const rulesDir = path.join(root, 'docker/prometheus/rules');
const testsDir = path.join(root, 'docker/prometheus/tests');

/** The real promtool (Debian's `prometheus` package; .ci/run installs it). */
function promtool(...args: string[]): { status: number | null; output: string } {
  const res = spawnSync('promtool', args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (res.error) throw new Error(`promtool could not run (install Debian's prometheus package): ${res.error.message}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

type RuleFile = { groups: Array<{ name: string; rules: Array<{ alert?: string; expr: string }> }> };

const ruleFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => path.join(rulesDir, f));
const rules = (): RuleFile['groups'][number]['rules'] =>
  ruleFiles.flatMap((f) => (parse(readFileSync(f, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules));

describe('Prometheus alert rules', () => {
  it('should pass promtool check rules', () => {
    const res = promtool('check', 'rules', ...ruleFiles);
    expect(res.output).toMatch(/SUCCESS/);
    expect(res.status).toBe(0);
  });

  it('should pass their promtool unit tests', () => {
    const tests = readdirSync(testsDir)
      .filter((f) => f.endsWith('.test.yml'))
      .map((f) => path.join(testsDir, f));
    expect(tests.length).toBeGreaterThan(0);
    const res = promtool('test', 'rules', ...tests);
    expect(res.output).toMatch(/SUCCESS/);
    expect(res.status).toBe(0);
  });

  it('should fail promtool on a broken rule (the check is real)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
    try {
      writeFileSync(
        path.join(dir, 'bad.yml'),
        'groups:\n  - name: x\n    rules:\n      - alert: Bad\n        expr: sum(rate(etl_runs_total[5m]\n',
      );
      expect(promtool('check', 'rules', path.join(dir, 'bad.yml')).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should cover every alert the operators asked for', () => {
    expect(rules().map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'EtlSourceStale',
        'EtlConsecutiveFailedRuns',
        'EtlQuarantineRateSpike',
        'EtlPriceDivergence',
        'ApiHigh5xxRate',
        'ServiceNotReady',
      ]),
    );
  });

  it("should use only metrics the service exports (or Prometheus's own up)", () => {
    const known = new Set<string>([...Object.values(METRIC), 'up']);
    const words = new Set([
      'max',
      'sum',
      'by',
      'on',
      'rate',
      'increase',
      'time',
      'and',
      'or',
      'unless',
      'source',
      'outcome',
      'status',
      'job',
      'instance',
    ]);
    const used = new Set<string>();
    for (const { expr } of rules()) {
      const bare = expr
        .replace(/\{[^}]*\}/g, '')
        .replace(/\[[^\]]*\]/g, '')
        .replace(/"[^"]*"/g, '');
      for (const w of bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
        if (!words.has(w)) used.add(w.replace(/_(bucket|count|sum)$/, ''));
      }
    }
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
  });

  it('should ship the same rules to Kubernetes as a PrometheusRule, and load them in compose', () => {
    const k8s = parse(readFileSync(path.join(root, 'docker/k8s/prometheusrule.yaml'), 'utf8')) as {
      kind: string;
      spec: RuleFile;
    };
    expect(k8s.kind).toBe('PrometheusRule');
    expect(k8s.spec.groups).toEqual((parse(readFileSync(ruleFiles[0], 'utf8')) as RuleFile).groups);
    const config = readFileSync(path.join(root, 'docker/prometheus/prometheus.yml'), 'utf8');
    expect(config).toMatch(/rule_files:\s*\n\s*- \/etc\/prometheus\/rules\/\*\.yml/);
    expect(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')).toContain(
      './docker/prometheus/rules:/etc/prometheus/rules:ro',
    );
    expect(promtool('check', 'config', path.join(root, 'docker/prometheus/prometheus.yml')).status).toBe(0);
  });
});
