import { createHash } from 'node:crypto';
import type { FieldSpec, RawRecord, StreamDefinition } from '../extractor/extractor.interface.js';
import { renameConfidence } from './field-similarity.js';
import { getPath, leafObjectPaths, observePaths, withPath, type ObservedType } from './payload-paths.js';
import { judgeRename, type RenameEvidence, type RenameRuleOptions, type RenameStatus } from './rename-rule.js';
import { numericValue, type ValuePair } from './value-plausibility.js';

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
  /** Renames only: applied | proposed | rejected. */
  status?: RenameStatus;
  /** Renames only: every check of the rename rule and its outcome. */
  evidence?: RenameEvidence;
  details?: Record<string, unknown>;
}

export interface BatchJudgement {
  findings: DriftFinding[];
  /** Stable hash of the observed field paths and types of the batch. */
  fingerprint: string;
  /** Records to map, with applied renames (raw payloads are stored unchanged). */
  accepted: RawRecord[];
  /** Records that cannot be used, with the reason. */
  quarantined: Array<{ record: RawRecord; reason: string }>;
}

interface FieldObservation {
  types: Set<ObservedType>;
  present: number;
}

/** A batch's observed fields, before any judgement (the expensive walk over every payload, done once). */
export interface BatchObservation {
  stream: StreamDefinition;
  records: RawRecord[];
  perRecord: Array<Map<string, ObservedType>>;
  observed: Map<string, FieldObservation>;
  fingerprint: string;
  /** Observed paths the schema does not declare. */
  unexpected: string[];
  /** Expected fields absent from the batch while unexpected fields exist: renames to judge. */
  renameFields: string[];
}

/** What judging a batch needs besides the rule's options: the store and the run's knowledge. */
export interface JudgeContext {
  /** Renames an admin rejected, as renameKey(field, candidate). */
  rejected: ReadonlySet<string>;
  /** The last accepted value of `field` for `asset`, if any. */
  previousValue(field: string, asset: string): number | undefined;
  /** The asset of a record (the mapper's source asset id), or undefined when it cannot be mapped. */
  assetOf(record: RawRecord): string | undefined;
}

export type JudgeOptions = RenameRuleOptions & JudgeContext;

/** Similarity below this is not worth recording as a possible rename. */
const CANDIDATE_FLOOR = 0.5;
/** Candidates judged per missing field, best first (each may map a sample of records). */
const MAX_CANDIDATES = 5;
/** Assets whose candidate value is compared with the store, per candidate. */
const MAX_VALUE_PAIRS = 500;

export function renameKey(field: string, candidate: string): string {
  return `${field}\u0000${candidate}`;
}

export function observeBatch(stream: StreamDefinition, records: RawRecord[]): BatchObservation {
  const spec = stream.expectedSchema ?? [];
  const leaves = leafObjectPaths(spec);
  const perRecord = records.map((r) => observePaths(r.payload, leaves));
  const observed = aggregate(perRecord);
  const expectedPaths = new Set(spec.map((f) => f.path));
  const unexpected = [...observed.keys()].filter((p) => !expectedPaths.has(p) && !isUnderExpectedLeaf(p, leaves));
  const renameFields = unexpected.length === 0 ? [] : spec.filter((f) => !observed.has(f.path)).map((f) => f.path);
  return { stream, records, perRecord, observed, fingerprint: fingerprintOf(observed), unexpected, renameFields };
}

/**
 * Compares the batch's observed fields with the declared schema: added (info), missing (warning,
 * critical if required), type changed, and renamed, judged by the rename rule (rename-rule.ts).
 * Applied renames rewrite the payloads handed to the mapper; a required field without an applied
 * rename quarantines the rows lacking it. Pure: the store's values come in through `options`.
 */
export function judgeBatch(obs: BatchObservation, options: JudgeOptions): BatchJudgement {
  const spec = obs.stream.expectedSchema ?? [];
  const { records, perRecord, observed, fingerprint } = obs;
  if (spec.length === 0 || records.length === 0) {
    return { findings: [], fingerprint, accepted: records, quarantined: [] };
  }

  const findings: DriftFinding[] = [];
  const renames = new Map<string, string>();
  const blocked = new Map<string, string>();
  const used = new Set<string>();

  for (const field of spec) {
    const seen = observed.get(field.path);
    if (!seen) {
      judgeMissing({ field, obs, options, out: { findings, renames, blocked, used } });
      continue;
    }
    const nonNull = [...seen.types].filter((t) => t !== 'null');
    const wrong = nonNull.filter((t) => t !== field.type);
    if (wrong.length > 0) {
      const action: DriftAction = options.policy === 'freeze' ? 'quarantined' : 'logged';
      findings.push({
        kind: 'type_changed',
        field: field.path,
        candidate: '',
        confidence: null,
        severity: field.required ? 'critical' : 'warning',
        action,
        details: { expected: field.type, observed: nonNull },
      });
    }
  }
  for (const path of obs.unexpected) {
    if (used.has(path)) continue;
    findings.push({ kind: 'added', field: path, candidate: '', confidence: null, severity: 'info', action: 'logged' });
  }

  const accepted: RawRecord[] = [];
  const quarantined: BatchJudgement['quarantined'] = [];
  records.forEach((record, i) => {
    const reason = rowProblem(perRecord[i], { spec, renames, blocked, policy: options.policy });
    if (reason) {
      quarantined.push({ record, reason });
      return;
    }
    let payload = record.payload;
    for (const [expected, candidate] of renames) {
      payload = withPath(payload, expected, getPath(record.payload, candidate));
    }
    accepted.push(payload === record.payload ? record : { ...record, payload });
  });
  return { findings, fingerprint, accepted, quarantined };
}

interface Outcome {
  findings: DriftFinding[];
  renames: Map<string, string>;
  blocked: Map<string, string>;
  used: Set<string>;
}

/** One expected field absent from the batch, judged into the batch's outcome. */
interface MissingField {
  field: FieldSpec;
  obs: BatchObservation;
  options: JudgeOptions;
  out: Outcome;
}

/** One expected field absent from the batch: the best candidate the rename rule does not reject, if any. */
function judgeMissing({ field, obs, options, out }: MissingField): void {
  const severity: DriftSeverity = field.required ? 'critical' : 'warning';
  const rowAction: DriftAction = field.required ? 'quarantined' : 'logged';
  const adminRejected = obs.unexpected.filter((c) => options.rejected.has(renameKey(field.path, c)));
  const ranked = obs.unexpected
    .filter((c) => !out.used.has(c) && !options.rejected.has(renameKey(field.path, c)))
    .sort()
    .map((path) => ({ path, similarity: renameConfidence(field, { path, types: obs.observed.get(path)!.types }) }))
    .filter((c) => c.similarity >= CANDIDATE_FLOOR)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, MAX_CANDIDATES);

  const refused: RenameCandidate[] = [];
  for (const c of ranked) {
    const evidence = judgeRename(
      {
        field,
        candidate: c.path,
        similarity: c.similarity,
        observedTypes: obs.observed.get(c.path)!.types,
        values: () => valuePairs({ field, candidate: c.path, records: obs.records, options }),
      },
      options,
    );
    if (evidence.status === 'rejected') {
      refused.push({ path: c.path, evidence });
      continue;
    }
    for (const r of refused) out.findings.push(renameFinding(field, r, { severity: 'warning', action: 'logged' }));
    out.used.add(c.path);
    if (evidence.status === 'applied') {
      out.renames.set(field.path, c.path);
      out.findings.push(renameFinding(field, { path: c.path, evidence }, { severity: 'warning', action: 'applied' }));
    } else {
      out.findings.push(renameFinding(field, { path: c.path, evidence }, { severity, action: rowAction }));
      const why = `rename to "${c.path}" not applied: ${evidence.reason}`;
      if (field.required) out.blocked.set(field.path, `required field "${field.path}" missing (${why})`);
    }
    return;
  }
  // Nothing usable: the refused candidates are the evidence of why the field stays missing.
  for (const r of refused) out.findings.push(renameFinding(field, r, { severity, action: rowAction }));
  if (refused.length === 0) {
    out.findings.push({
      kind: 'missing',
      field: field.path,
      candidate: '',
      confidence: null,
      severity,
      action: rowAction,
      ...(adminRejected.length > 0 ? { details: { rejected_renames: adminRejected } } : {}),
    });
  }
  if (field.required) {
    const why =
      refused.length > 0
        ? ` (candidate "${refused[0].path}" rejected: ${refused[0].evidence.reason})`
        : adminRejected.length > 0
          ? ` (rename to "${adminRejected[0]}" rejected by an admin)`
          : '';
    out.blocked.set(field.path, `required field "${field.path}" missing${why}`);
  }
}

/** A rename candidate of a field, with the rename rule's evidence. */
interface RenameCandidate {
  path: string;
  evidence: RenameEvidence;
}

function renameFinding(
  field: FieldSpec,
  { path: candidate, evidence }: RenameCandidate,
  { severity, action }: { severity: DriftSeverity; action: DriftAction },
): DriftFinding {
  const { similarity: confidence, status } = evidence;
  return { kind: 'renamed', field: field.path, candidate, confidence, severity, action, status, evidence };
}

/** A field's rename candidate in a batch's records. */
interface ValuePairsOf {
  field: FieldSpec;
  candidate: string;
  records: RawRecord[];
  options: JudgeOptions;
}

/**
 * The candidate's numeric values next to the field's last accepted values of the same assets (the
 * batch's first record of each asset). The asset comes from the mapper, reading the record as if
 * the rename were applied.
 */
function valuePairs({ field, candidate, records, options }: ValuePairsOf): ValuePair[] {
  const pairs = new Map<string, ValuePair>();
  for (const record of records) {
    if (pairs.size >= MAX_VALUE_PAIRS) break;
    const raw = getPath(record.payload, candidate);
    const value = numericValue(raw);
    if (value === undefined) continue;
    const asset = options.assetOf({ ...record, payload: withPath(record.payload, field.path, raw) });
    if (asset === undefined || pairs.has(asset)) continue;
    const previous = options.previousValue(field.path, asset);
    if (previous !== undefined) pairs.set(asset, { asset, previous, candidate: value });
  }
  return [...pairs.values()];
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

/** What every row of a batch is checked against: the expected fields and the batch's verdicts on them. */
interface RowRules {
  spec: readonly FieldSpec[];
  renames: Map<string, string>;
  blocked: Map<string, string>;
  policy: DriftPolicy;
}

/** Why one row (the types of its paths) cannot be used, or undefined. */
function rowProblem(
  paths: Map<string, ObservedType>,
  { spec, renames, blocked, policy }: RowRules,
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
    .map(
      ([path, o]) =>
        `${path}:${
          [...o.types]
            .filter((t) => t !== 'null')
            .sort()
            .join('|') || 'null'
        }`,
    )
    .sort()
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
