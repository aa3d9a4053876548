// Validates Kubernetes manifests against the OpenAPI schemas shipped in npm's `kubernetes-models`
// (core and apps APIs) and `@kubernetes-models/prometheus-operator` (ServiceMonitor, PrometheusRule),
// offline. ESM-only packages, so this runs as its own Node process:
//   node test/support/k8s-validate.mjs FILE.yaml...  ->  one JSON line: [{ file, kind, name, error }]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const MODELS = {
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'batch/v1/CronJob': 'kubernetes-models/batch/v1/CronJob',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'monitoring.coreos.com/v1/ServiceMonitor':
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule':
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
};

const results = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const m = doc.toJSON();
    if (!m || m.kind === 'Kustomization') continue;
    const key = `${m.apiVersion}/${m.kind}`;
    const entry = { file: path.basename(file), kind: m.kind, name: m.metadata?.name, error: null };
    if (!MODELS[key]) {
      entry.error = `no schema for ${key}`;
    } else {
      const exported = await import(MODELS[key]);
      const Model = exported[m.kind];
      try {
        new Model(m).validate();
      } catch (err) {
        entry.error = String(err?.message ?? err);
      }
    }
    results.push(entry);
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
