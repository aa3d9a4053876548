import type { FieldSpec } from '../extractor/extractor.interface.js';
import { compareQualifiers, nameTokens, qualifiersOf, sameName, type QualifierComparison } from './field-qualifiers.js';
import type { ObservedType } from './payload-paths.js';
import { judgeValues, type ValueEvidence, type ValuePair } from './value-plausibility.js';

export type RenameStatus = 'applied' | 'proposed' | 'rejected';

export interface RenameRuleOptions {
  policy: 'evolve' | 'freeze';
  /** Minimum similarity for a required field (ETL_DRIFT_RENAME_THRESHOLD). */
  renameThreshold: number;
  /** Minimum similarity for an optional field (ETL_DRIFT_OPTIONAL_RENAME_THRESHOLD, never below the other). */
  optionalRenameThreshold: number;
  /** Values within this factor of the last accepted ones are plausible (ETL_DRIFT_RENAME_VALUE_FACTOR). */
  valueFactor: number;
}

export interface RenameCandidate {
  field: FieldSpec;
  /** Path of the observed field that might replace `field`. */
  candidate: string;
  /** Name similarity in [0, 1] (renameConfidence). */
  similarity: number;
  /** Types the candidate's values had in the batch. */
  observedTypes: ReadonlySet<ObservedType>;
  /**
   * The candidate's values next to the field's last accepted values of the same assets; a function
   * is called only when the similarity passes (collecting them maps records).
   */
  values: readonly ValuePair[] | (() => readonly ValuePair[]);
}

/** What `/drift-events` shows for a rename: every check and its outcome. */
export interface RenameEvidence {
  status: RenameStatus;
  reason: string;
  similarity: number;
  threshold: number;
  threshold_kind: 'required' | 'optional';
  same_name: boolean;
  qualifiers: QualifierComparison;
  type: { expected: string; observed: string[]; match: boolean | null };
  values: ValueEvidence;
  policy: 'evolve' | 'freeze';
}

/**
 * THE RENAME RULE (docs/ETL.md "The rename rule"). A candidate replaces a missing field only when it
 * is the same quantity, checked in this order:
 * 1. similarity >= threshold (the stricter optional threshold for optional fields), else rejected;
 * 2. the qualifiers of both names are equal (currency/unit, window, relative, ...), else rejected;
 * 3. the candidate's observed types are the field's type, else rejected;
 * 4. where accepted values of the field exist for the same assets: median ratio within the factor ->
 *    applied, outside -> rejected;
 * 5. without such values: the same name (case, separators, word order) -> applied, else proposed.
 * Under the freeze policy nothing is applied: what would be applied is proposed.
 */
export function judgeRename(c: RenameCandidate, options: RenameRuleOptions): RenameEvidence {
  const optional = !c.field.required;
  const { renameThreshold, optionalRenameThreshold } = options;
  const threshold = optional ? Math.max(renameThreshold, optionalRenameThreshold) : renameThreshold;
  const same = sameName(c.field.path, c.candidate);
  const qualifiers = compareQualifiers(qualifiersOf(nameTokens(c.field.path)), qualifiersOf(nameTokens(c.candidate)));
  const observed = [...c.observedTypes].filter((t) => t !== 'null').sort();
  const typeMatch = observed.length === 0 ? null : observed.every((t) => t === c.field.type);
  const similar = c.similarity >= threshold;
  const values =
    similar || typeof c.values !== 'function'
      ? judgeValues(typeof c.values === 'function' ? c.values() : c.values, options.valueFactor)
      : { ...judgeValues([], options.valueFactor), reason: 'not compared: similarity below the threshold' };
  const [status, reason] = decide({
    similarity: c.similarity,
    threshold,
    optional,
    same,
    qualifiers,
    typeMatch,
    observed,
    values,
    field: c.field,
  });
  const frozen = options.policy === 'freeze' && status !== 'rejected';
  return {
    status: frozen ? 'proposed' : status,
    reason: frozen ? `${reason}; not applied under drift policy freeze` : reason,
    similarity: c.similarity,
    threshold,
    threshold_kind: optional ? 'optional' : 'required',
    same_name: same,
    qualifiers,
    type: { expected: c.field.type, observed, match: typeMatch },
    values,
    policy: options.policy,
  };
}

interface Checks {
  similarity: number;
  threshold: number;
  optional: boolean;
  same: boolean;
  qualifiers: QualifierComparison;
  typeMatch: boolean | null;
  observed: string[];
  values: ValueEvidence;
  field: FieldSpec;
}

function decide(k: Checks): [RenameStatus, string] {
  if (k.similarity < k.threshold) {
    const which = k.optional ? 'optional-field ' : '';
    return ['rejected', `similarity ${k.similarity} below the ${which}threshold ${k.threshold}`];
  }
  if (!k.qualifiers.match) {
    const { differing, field, candidate } = k.qualifiers;
    const sides = `[${field.join(', ')}] vs [${candidate.join(', ')}]`;
    return ['rejected', `qualifiers differ (${differing.join(', ')}): ${sides}`];
  }
  if (k.typeMatch === false) {
    return ['rejected', `type differs: expected ${k.field.type}, observed ${k.observed.join('|')}`];
  }
  if (k.values.checked && !k.values.plausible) return ['rejected', `values implausible: ${k.values.reason}`];
  if (k.values.checked) {
    return ['applied', `values plausible: median ratio ${k.values.median_ratio} over ${k.values.compared} assets`];
  }
  if (k.same) return ['applied', 'same name (case, separators or word order only)'];
  return [
    'proposed',
    `names differ and there are no accepted values of "${k.field.path}" for the same assets to compare with`,
  ];
}
