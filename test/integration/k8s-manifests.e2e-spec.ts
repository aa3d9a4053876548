import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { EnvSchema } from '../../src/platform/config/env.schema.js';

/**
 * Checks of docker/k8s: every object validates against the Kubernetes OpenAPI schemas of npm's
 * `kubernetes-models` (and the prometheus-operator CRDs), offline, in a Node process of its own
 * (test/support/k8s-validate.mjs: the packages are ESM-only); the probe paths, ports, env names,
 * image tag, memory limits and CLI command match what the application really serves and reads.
 */
const dir = path.join(__dirname, '../../docker/k8s');
const root = path.join(__dirname, '../..');

type Validation = { file: string; kind: string; name: string; error: string | null };
function validate(files: string[]): Validation[] {
  const script = path.join(root, 'test/support/k8s-validate.mjs');
  const res = spawnSync(process.execPath, [script, ...files], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`k8s-validate failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Validation[];
}
type Manifest = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: any;
  data?: Record<string, string>;
};

function load(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJSON() as Manifest;
  });
}

function containers(m: Manifest): any[] {
  const pod = m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec;
  return pod.containers;
}

const KNOWN_ENV = new Set([
  ...Object.keys(new EnvSchema()),
  'DATABASE_URL',
  'ADMIN_API_KEY',
  'ETL_FAILURE_INJECTION',
  'CSV_SOURCE_DIR',
  'COINPAPRIKA_BASE_URL',
  'COINPAPRIKA_API_KEY',
  'COINGECKO_BASE_URL',
  'COINGECKO_API_KEY',
  'COINGECKO_API_TIER',
  'COINGECKO_MAX_PAGES',
  'RSS_FEED_URLS',
]);

describe('Kubernetes manifests (docker/k8s)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const all = files.flatMap((f) => load(f).map((m) => ({ file: f, m })));

  it('should parse, and every object should have apiVersion, kind and a name', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const { file, m } of all.filter(({ m }) => m.kind !== 'Kustomization')) {
      expect({ file, apiVersion: typeof m.apiVersion, kind: typeof m.kind, name: typeof m.metadata?.name }).toEqual({
        file,
        apiVersion: 'string',
        kind: 'string',
        name: 'string',
      });
    }
  });

  it('should list only existing files in the kustomization, not the secret template', () => {
    const [k] = load('kustomization.yaml') as Array<Manifest & { resources: string[] }>;
    for (const r of k.resources) expect(files).toContain(r);
    expect(k.resources).not.toContain('secret.template.yaml');
  });

  it('should probe the paths and port the app serves', () => {
    for (const { m } of all.filter(({ m }) => m.kind === 'Deployment')) {
      for (const c of containers(m)) {
        expect(c.livenessProbe.httpGet.path).toBe('/health/live');
        expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
        expect(c.ports).toContainEqual({ name: 'http', containerPort: 8000 });
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false });
        expect(c.resources.limits.memory).toBeDefined();
      }
      expect(m.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
  });

  it('should run the API replicas as api and the worker as worker', () => {
    const role = (name: string) =>
      containers(all.find(({ m }) => m.metadata?.name === name)!.m)[0].env.find(
        (e: { name: string }) => e.name === 'APP_ROLE',
      ).value;
    expect(role('kasparro-etl-api')).toBe('api');
    expect(role('kasparro-etl-worker')).toBe('worker');
  });

  it('should only set environment variables the app reads', () => {
    const names = new Set<string>();
    for (const { m } of all) {
      if (m.kind === 'ConfigMap' || m.kind === 'Secret') {
        Object.keys(m.data ?? (m as any).stringData ?? {}).forEach((n) => names.add(n));
      }
      if (['Deployment', 'CronJob'].includes(m.kind!)) {
        for (const c of containers(m)) (c.env ?? []).forEach((e: { name: string }) => names.add(e.name));
      }
    }
    expect([...names].filter((n) => !KNOWN_ENV.has(n))).toEqual([]);
  });

  it('should validate every object against the Kubernetes (and prometheus-operator) schemas', () => {
    const results = validate(files.map((f) => path.join(dir, f)));

    const kinds = ['Deployment', 'CronJob', 'PodDisruptionBudget', 'PrometheusRule', 'ServiceMonitor'];
    expect(results.map((r) => r.kind)).toEqual(expect.arrayContaining(kinds));
    expect(results.filter((r) => r.error)).toEqual([]);
  });

  const deployment = (spec: string[]) => [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: x }',
    'spec:',
    ...spec,
  ];
  const template = '  template: { spec: { containers: [{ name: c, image: i }] } }';
  it.each([
    [
      'a Deployment with a string replica count',
      deployment(['  replicas: two', '  selector: { matchLabels: { a: b } }', template]),
    ],
    ['a Deployment without a selector', deployment([template])],
    [
      'a PodDisruptionBudget with an object for minAvailable',
      [
        'apiVersion: policy/v1',
        'kind: PodDisruptionBudget',
        'metadata: { name: x }',
        'spec: { minAvailable: { n: 1 } }',
      ],
    ],
    [
      'a PrometheusRule whose rule has no expr',
      [
        'apiVersion: monitoring.coreos.com/v1',
        'kind: PrometheusRule',
        'metadata: { name: x }',
        'spec: { groups: [{ name: g, rules: [{ alert: A }] }] }',
      ],
    ],
  ])('should reject %s (the schema check is real)', (_what, lines) => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'k8s-'));
    try {
      writeFileSync(path.join(tmp, 'bad.yaml'), `${lines.join('\n')}\n`);
      const [result] = validate([path.join(tmp, 'bad.yaml')]);
      expect(result.error).toEqual(expect.any(String));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('should pin the image to the package version, never :latest', () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    for (const { file, m } of all.filter(({ m }) => ['Deployment', 'CronJob'].includes(m.kind!))) {
      for (const c of containers(m)) {
        expect({ file, image: c.image }).toEqual({ file, image: `kasparro-etl:${version}` });
      }
    }
    const [k] = load('kustomization.yaml') as Array<Manifest & { images: Array<{ newTag: string }> }>;
    expect(k.images.map((i) => i.newTag)).toEqual([version]);
    expect(
      readdirSync(dir)
        .map((f) => readFileSync(path.join(dir, f), 'utf8'))
        .join('\n'),
    ).not.toMatch(/:latest\b|newTag: latest/);
  });

  it('should keep a PodDisruptionBudget over exactly the API pods', () => {
    const pdb = all.find(({ m }) => m.kind === 'PodDisruptionBudget')!.m;
    const api = all.find(({ m }) => m.metadata?.name === 'kasparro-etl-api' && m.kind === 'Deployment')!.m;
    expect(pdb.spec.selector.matchLabels).toEqual(api.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeLessThan(api.spec.replicas);
    const [k] = load('kustomization.yaml') as Array<Manifest & { resources: string[] }>;
    expect(k.resources).toEqual(expect.arrayContaining(['api-pdb.yaml', 'prometheusrule.yaml']));
  });

  it('should set the memory limit docs/DEPLOYMENT.md states on every container', () => {
    const docs = readFileSync(path.join(root, 'docs/DEPLOYMENT.md'), 'utf8');
    const stated = /container limit \((\d+Mi) in the\s+manifests\)/.exec(docs)?.[1];
    expect(stated).toBeDefined();
    for (const { file, m } of all.filter(({ m }) => ['Deployment', 'CronJob'].includes(m.kind!))) {
      for (const c of containers(m)) {
        expect({ file, memory: c.resources.limits.memory }).toEqual({ file, memory: stated });
      }
    }
  });

  it('should run the CLI entry the build produces in the CronJob', () => {
    const cron = all.find(({ m }) => m.kind === 'CronJob')!.m;
    expect(containers(cron)[0].command.slice(0, 3)).toEqual(['node', 'dist/src/tools/cli/etl-cli.js', 'run']);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
  });
});
