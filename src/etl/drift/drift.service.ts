import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FieldSpec, RawRecord, StreamDefinition } from '../extractor/extractor.interface.js';
import { renameConfidence } from './field-similarity.js';
import { getPath, leafObjectPaths, observePaths, withPath, type ObservedType } from './payload-paths.js';

export type DriftKind = 'added' | 'missing' | 'type_changed' | 'renamed';
export type DriftSeverity = 'info' | 'warning' | 'critical';
export type DriftAction = 'applied' | 'quarantined' | 'logged';
export type DriftPolicy = 'evolve' | 'freeze';

export interface DriftFinding {
  kind: DriftKind;
  /** The expected field (or, for `added`, the new field). */
  field: string;
  /** For renames: the observed field believed to replace `field`; '' otherwise. */
  candidate: string;
  confidence: number | null;
  severity: DriftSeverity;
  action: DriftAction;
  details?: Record<string, unknown>;
}

export interface DriftInspection {
  findings: DriftFinding[];
  /** Stable hash of the observed field paths and types of the batch. */
  fingerprint: string;
  /** Records to map, with confident renames applied (raw payloads are stored unchanged). */
  accepted: RawRecord[];
  /** Records that cannot be used, with the reason. */
  quarantined: Array<{ record: RawRecord; reason: string }>;
}

export interface DriftOptions {
  policy: DriftPolicy;
  /** Minimum confidence to apply a rename under `evolve`. */
  renameThreshold: number;
}

interface FieldObservation {
  types: Set<ObservedType>;
  present: number;
}

/**
 * Compares each batch's observed fields with the stream's declared schema: added (info), missing
 * (warning, critical if required), type changed, and renamed — found by fuzzy matching of field
 * names with a confidence. Under `evolve`, a rename at or above the threshold is applied so ingestion
 * keeps working; below it, or under `freeze`, the affected rows are quarantined. Pure: no I/O.
 */
@Injectable()
export class DriftService {
  inspect(stream: StreamDefinition, records: RawRecord[], options: DriftOptions): DriftInspection {
    const spec = stream.expectedSchema ?? [];
    const leaves = leafObjectPaths(spec);
    const perRecord = records.map((r) => observePaths(r.payload, leaves));
    const observed = aggregate(perRecord);
    const fingerprint = fingerprintOf(observed);
    if (spec.length === 0 || records.length === 0) {
      return { findings: [], fingerprint, accepted: records, quarantined: [] };
    }

    const expectedPaths = new Set(spec.map((f) => f.path));
    const unexpected = [...observed.keys()].filter((p) => !expectedPaths.has(p) && !isUnderExpectedLeaf(p, leaves));
    const findings: DriftFinding[] = [];
    const renames = new Map<string, string>();
    const blocked = new Map<string, string>();
    const usedCandidates = new Set<string>();

    for (const field of spec) {
      const seen = observed.get(field.path);
      if (!seen) {
        const best = bestCandidate(field, unexpected.filter((c) => !usedCandidates.has(c)), observed);
        if (best && best.confidence >= options.renameThreshold && options.policy === 'evolve') {
          renames.set(field.path, best.path);
          usedCandidates.add(best.path);
          findings.push({ kind: 'renamed', field: field.path, candidate: best.path, confidence: best.confidence, severity: 'warning', action: 'applied' });
          continue;
        }
        if (best && best.confidence >= 0.5) {
          usedCandidates.add(best.path);
          findings.push({
            kind: 'renamed', field: field.path, candidate: best.path, confidence: best.confidence, severity: field.required ? 'critical' : 'warning',
            action: field.required ? 'quarantined' : 'logged',
            details: { reason: options.policy === 'freeze' ? 'policy freeze' : `confidence below ${options.renameThreshold}` },
          });
        } else {
          findings.push({ kind: 'missing', field: field.path, candidate: '', confidence: null, severity: field.required ? 'critical' : 'warning', action: field.required ? 'quarantined' : 'logged' });
        }
        if (field.required) {
          blocked.set(field.path, best && best.confidence >= 0.5
            ? `required field "${field.path}" missing (possible rename to "${best.path}", confidence ${best.confidence}${options.policy === 'freeze' ? ', drift policy freeze' : ` below ${options.renameThreshold}`})`
            : `required field "${field.path}" missing`);
        }
        continue;
      }
      const nonNull = [...seen.types].filter((t) => t !== 'null');
      const wrong = nonNull.filter((t) => t !== field.type);
      if (wrong.length > 0) {
        const action: DriftAction = options.policy === 'freeze' ? 'quarantined' : 'logged';
        findings.push({ kind: 'type_changed', field: field.path, candidate: '', confidence: null, severity: field.required ? 'critical' : 'warning', action, details: { expected: field.type, observed: nonNull } });
      }
    }
    for (const path of unexpected) {
      if (!usedCandidates.has(path)) findings.push({ kind: 'added', field: path, candidate: '', confidence: null, severity: 'info', action: 'logged' });
    }

    const accepted: RawRecord[] = [];
    const quarantined: DriftInspection['quarantined'] = [];
    records.forEach((record, i) => {
      const reason = rowProblem(spec, perRecord[i], renames, blocked, options.policy);
      if (reason) {
        quarantined.push({ record, reason });
        return;
      }
      let payload = record.payload;
      for (const [expected, candidate] of renames) payload = withPath(payload, expected, getPath(record.payload, candidate));
      accepted.push(payload === record.payload ? record : { ...record, payload });
    });
    return { findings, fingerprint, accepted, quarantined };
  }
}

function aggregate(perRecord: Array<Map<string, ObservedType>>): Map<string, FieldObservation> {
  const out = new Map<string, FieldObservation>();
  for (const paths of perRecord) {
    for (const [path, type] of paths) {
      const o = out.get(path) ?? { types: new Set<ObservedType>(), present: 0 };
      o.types.add(type);
      o.present += 1;
      out.set(path, o);
    }
  }
  return out;
}

function bestCandidate(field: FieldSpec, candidates: string[], observed: Map<string, FieldObservation>): { path: string; confidence: number } | undefined {
  let best: { path: string; confidence: number } | undefined;
  for (const path of [...candidates].sort()) {
    const confidence = renameConfidence(field, { path, types: observed.get(path)!.types });
    if (!best || confidence > best.confidence) best = { path, confidence };
  }
  return best;
}

/** Why one row cannot be used, or undefined. */
function rowProblem(
  spec: readonly FieldSpec[],
  paths: Map<string, ObservedType>,
  renames: Map<string, string>,
  blocked: Map<string, string>,
  policy: DriftPolicy,
): string | undefined {
  for (const field of spec) {
    if (blocked.has(field.path)) return blocked.get(field.path);
    const source = renames.get(field.path) ?? field.path;
    const type = paths.get(source);
    if (field.required && (type === undefined || (type === 'null' && !field.nullable))) {
      return `required field "${field.path}" missing`;
    }
    if (policy === 'freeze' && type !== undefined && type !== 'null' && type !== field.type) {
      return `field "${field.path}" changed type from ${field.type} to ${type} (drift policy freeze)`;
    }
  }
  return undefined;
}

function isUnderExpectedLeaf(path: string, leaves: ReadonlySet<string>): boolean {
  for (const leaf of leaves) if (path.startsWith(`${leaf}.`)) return true;
  return false;
}

function fingerprintOf(observed: Map<string, FieldObservation>): string {
  const canonical = [...observed.entries()]
    .map(([path, o]) => `${path}:${[...o.types].filter((t) => t !== 'null').sort().join('|') || 'null'}`)
    .sort()
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

