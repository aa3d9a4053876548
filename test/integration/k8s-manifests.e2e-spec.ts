import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { EnvSchema } from '../../src/config/env.schema.js';

/**
 * Schema-level checks of docker/k8s (kubeconform is not installable from the registries here):
 * every manifest parses, has apiVersion/kind/metadata.name, and the probe paths, ports, env names
 * and CLI command match what the application really serves and reads.
 */
const dir = path.join(__dirname, '../../docker/k8s');
type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: any; data?: Record<string, string> };

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
  ...Object.keys(new EnvSchema()), 'DATABASE_URL', 'ADMIN_API_KEY', 'ETL_FAILURE_INJECTION',
  'CSV_SOURCE_DIR', 'COINPAPRIKA_BASE_URL', 'COINPAPRIKA_API_KEY', 'COINGECKO_BASE_URL', 'COINGECKO_API_KEY', 'COINGECKO_API_TIER', 'COINGECKO_MAX_PAGES', 'RSS_FEED_URLS',
]);

describe('Kubernetes manifests (docker/k8s)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const all = files.flatMap((f) => load(f).map((m) => ({ file: f, m })));

  it('should parse, and every object should have apiVersion, kind and a name', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const { file, m } of all.filter(({ m }) => m.kind !== 'Kustomization')) {
      expect({ file, apiVersion: typeof m.apiVersion, kind: typeof m.kind, name: typeof m.metadata?.name }).toEqual({ file, apiVersion: 'string', kind: 'string', name: 'string' });
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
    const role = (name: string) => containers(all.find(({ m }) => m.metadata?.name === name)!.m)[0].env.find((e: { name: string }) => e.name === 'APP_ROLE').value;
    expect(role('kasparro-etl-api')).toBe('api');
    expect(role('kasparro-etl-worker')).toBe('worker');
  });

  it('should only set environment variables the app reads', () => {
    const names = new Set<string>();
    for (const { m } of all) {
      if (m.kind === 'ConfigMap' || m.kind === 'Secret') Object.keys(m.data ?? (m as any).stringData ?? {}).forEach((n) => names.add(n));
      if (['Deployment', 'CronJob'].includes(m.kind!)) for (const c of containers(m)) (c.env ?? []).forEach((e: { name: string }) => names.add(e.name));
    }
    expect([...names].filter((n) => !KNOWN_ENV.has(n))).toEqual([]);
  });

  it('should run the CLI entry the build produces in the CronJob', () => {
    const cron = all.find(({ m }) => m.kind === 'CronJob')!.m;
    expect(containers(cron)[0].command.slice(0, 3)).toEqual(['node', 'dist/src/cli/etl-cli.js', 'run']);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
  });
});
