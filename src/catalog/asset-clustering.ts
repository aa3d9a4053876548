import { assetKeyFor, isolatedAssetKey, nameSlug, normalizeSymbol } from './asset-naming.js';
import { MERGE_THRESHOLD, pairVerdict, type MatchRecord, type PairVerdict } from './asset-matching.js';

/** One source id of a symbol block, with what decides where it belongs. */
export interface BlockMember extends MatchRecord {
  /** Asset key from the reviewed override file (`data/asset-overrides.csv`), if any. */
  overrideKey: string | null;
  /** Set when an operator fixed the asset holding this id: that asset is kept as it is. */
  frozen: { assetId: string; assetKey: string; needsReview: boolean; reviewReason: string | null } | null;
}

export interface PlannedMember {
  source: string;
  sourceAssetId: string;
  /** Null for a member of a frozen asset: its stored method stays. */
  method: string | null;
  confidence: number;
}

export interface PlannedAsset {
  /** Set for a frozen asset (its stored id); otherwise the id is derived from `key`. */
  frozenId: string | null;
  key: string;
  symbol: string;
  name: string;
  rank: number | null;
  needsReview: boolean;
  reviewReason: string | null;
  members: PlannedMember[];
}

interface Edge {
  i: number;
  j: number;
  verdict: PairVerdict;
}

/** A decided block, for the passes that name and flag its assets. */
interface BlockState {
  planned: PlannedAsset[];
  /** Member indexes per planned asset, ascending. */
  clusters: number[][];
  edges: Edge[];
  find: (i: number) => number;
  members: BlockMember[];
}

/**
 * Partitions one symbol block (every source id whose evidence carries that symbol) into assets.
 * The result is a function of the SET of members: members are put in a canonical order, every
 * decision is pairwise and symmetric (`pairVerdict`), and matches are applied strongest first (ties
 * by member order), an asset never taking two ids of one source nor two members that can never be
 * one coin. So any arrival order of the same members gives the same assets, keys and flags.
 */
export function clusterBlock(blockSymbol: string, input: BlockMember[]): PlannedAsset[] {
  const members = [...input].sort(compareMembers);
  const n = members.length;
  const parent = members.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const groups = new Map<number, number[]>(members.map((_, i) => [i, [i]]));
  const union = (a: number, b: number): void => {
    const [ra, rb] = [find(a), find(b)].sort((x, y) => x - y);
    if (ra === rb) return;
    parent[rb] = ra;
    groups.get(ra)!.push(...groups.get(rb)!);
    groups.delete(rb);
  };

  // Operator decisions first: an asset fixed by hand, and the override file's keys.
  const pinned = new Map<string, number>();
  members.forEach((m, i) => {
    const pins = [
      m.frozen ? `asset:${m.frozen.assetId}` : null,
      m.overrideKey ? `key:${m.overrideKey}` : null,
      m.frozen ? `key:${m.frozen.assetKey}` : null,
    ];
    for (const pin of pins) {
      if (pin === null) continue;
      const first = pinned.get(pin);
      if (first === undefined) pinned.set(pin, i);
      else union(first, i);
    }
  });

  const edges: Edge[] = [];
  const never = new Set<number>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const verdict = pairVerdict(members[i], members[j]);
      if (verdict.kind === 'never') never.add(i * n + j);
      else if (verdict.kind !== 'none') edges.push({ i, j, verdict });
    }
  }
  // An override names the asset by key: it joins the ids whose own name gives that key.
  members.forEach((m, i) => {
    if (!m.overrideKey) return;
    members.forEach((o, j) => {
      if (o.overrideKey || o.frozen || o.name === null || assetKeyFor(blockSymbol, o.name) !== m.overrideKey) return;
      if (find(i) !== find(j) && compatible(groups.get(find(i))!, groups.get(find(j))!)) union(i, j);
    });
  });

  const score = (e: Edge) => (e.verdict.kind === 'match' || e.verdict.kind === 'review' ? e.verdict.score : 0);
  const ambiguous = ambiguousEdges(edges, members);
  const matches = edges
    .filter((e) => e.verdict.kind === 'match' && !ambiguous.has(e))
    .sort((a, b) => score(b) - score(a) || a.i - b.i || a.j - b.j);
  const blocked: Edge[] = [...ambiguous];
  for (const e of matches) {
    const [ra, rb] = [find(e.i), find(e.j)];
    if (ra === rb) continue;
    if (compatible(groups.get(ra)!, groups.get(rb)!)) union(ra, rb);
    else blocked.push(e);
  }

  function compatible(a: number[], b: number[]): boolean {
    const pinsA = pinsOf(a);
    for (const p of pinsOf(b)) if (pinsA.size > 0 && !pinsA.has(p)) return false;
    const sources = new Set(a.map((i) => members[i].source));
    for (const j of b) if (sources.has(members[j].source)) return false;
    for (const i of a) for (const j of b) if (never.has(Math.min(i, j) * n + Math.max(i, j))) return false;
    return true;
  }
  function pinsOf(group: number[]): Set<string> {
    const out = new Set<string>();
    for (const i of group) {
      const m = members[i];
      if (m.frozen) out.add(m.frozen.assetId);
      else if (m.overrideKey) out.add(`key:${m.overrideKey}`);
    }
    return out;
  }

  const clusters = [...groups.values()].map((g) => g.sort((a, b) => a - b));
  const planned = clusters.map((g) =>
    planAsset(
      blockSymbol,
      g.map((i) => members[i]),
    ),
  );
  disambiguateKeys(
    planned,
    clusters.map((g) => g.map((i) => members[i])),
  );
  const reviews = [...edges.filter((e) => e.verdict.kind === 'review'), ...blocked];
  flagForReview({ planned, clusters, edges: reviews, find, members });
  assignMethods({ planned, clusters, edges, find, members });
  return planned;
}

/** Two candidates of one source this close in score cannot be told apart: neither is a match. */
const AMBIGUITY_MARGIN = 0.04;

/**
 * Matches that evidence cannot single out: an id whose best candidate of some source has a runner-up
 * of that source within AMBIGUITY_MARGIN (a coin and its pre-migration listing, same name, no market
 * data). Those edges go to review instead; a function of the edge set, so order-independent.
 */
function ambiguousEdges(edges: Edge[], members: BlockMember[]): Set<Edge> {
  const bySide = new Map<string, Edge[]>();
  for (const e of edges) {
    if (e.verdict.kind !== 'match') continue;
    for (const [self, other] of [
      [e.i, e.j],
      [e.j, e.i],
    ]) {
      const side = `${self}\u0000${members[other].source}`;
      bySide.set(side, [...(bySide.get(side) ?? []), e]);
    }
  }
  const out = new Set<Edge>();
  const scoreOf = (e: Edge) => (e.verdict as { score: number }).score;
  for (const list of bySide.values()) {
    if (list.length < 2) continue;
    const sorted = [...list].sort((a, b) => scoreOf(b) - scoreOf(a));
    if (scoreOf(sorted[0]) - scoreOf(sorted[1]) >= AMBIGUITY_MARGIN) continue;
    const top = scoreOf(sorted[0]);
    for (const e of sorted) if (top - scoreOf(e) < AMBIGUITY_MARGIN) out.add(e);
  }
  return out;
}

type MemberId = { source: string; sourceAssetId: string };

function compareMembers(a: MemberId, b: MemberId): number {
  return cmp(a.source, b.source) || cmp(a.sourceAssetId, b.sourceAssetId);
}

/** Plain code-unit order: the same everywhere (localeCompare depends on the ICU build). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The key and descriptive fields of a cluster: from the member with the smallest natural key. */
function planAsset(blockSymbol: string, group: BlockMember[]): PlannedAsset {
  const frozen = group.find((m) => m.frozen)?.frozen ?? null;
  const override =
    group
      .map((m) => m.overrideKey)
      .filter((k): k is string => k !== null)
      .sort(cmp)[0] ?? null;
  const named = group
    .filter((m) => m.name !== null && nameSlug(m.name) !== '')
    .map((m) => ({ m, key: assetKeyFor(blockSymbol, m.name!) }))
    .sort((a, b) => cmp(a.key, b.key) || compareMembers(a.m, b.m));
  const face = named[0]?.m ?? group[0];
  const isolated = isolatedAssetKey(blockSymbol, group[0].source, group[0].sourceAssetId);
  const key = frozen?.assetKey ?? override ?? named[0]?.key ?? isolated;
  const nameless = !frozen && !override && named.length === 0;
  return {
    frozenId: frozen?.assetId ?? null,
    key,
    symbol: normalizeSymbol(blockSymbol),
    name: face.name ?? normalizeSymbol(blockSymbol),
    rank: face.rank,
    needsReview: frozen ? frozen.needsReview : nameless,
    reviewReason: frozen
      ? frozen.reviewReason
      : nameless
        ? `${group[0].source} gives symbol ${normalizeSymbol(blockSymbol)} without a name`
        : null,
    members: group.map((m) => ({
      source: m.source,
      sourceAssetId: m.sourceAssetId,
      method: m.frozen ? null : 'new',
      confidence: 1,
    })),
  };
}

/**
 * Two assets of a block with one natural key (a token and its copy, both "Foo"): the frozen or
 * overridden one keeps it, else the one whose smallest member is smallest; the others are qualified
 * with their smallest member, so the outcome depends on the members only.
 */
function disambiguateKeys(planned: PlannedAsset[], groups: BlockMember[][]): void {
  const anchors = groups.map((g) => g[0]);
  const ownerRank = (i: number) => (planned[i].frozenId ? 0 : groups[i].some((m) => m.overrideKey) ? 1 : 2);
  const byKey = new Map<string, number[]>();
  planned.forEach((p, i) => byKey.set(p.key, [...(byKey.get(p.key) ?? []), i]));
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    const owner = [...list].sort((a, b) => ownerRank(a) - ownerRank(b) || compareMembers(anchors[a], anchors[b]))[0];
    for (const i of list) {
      if (i === owner || planned[i].frozenId) continue;
      planned[i].key = `${planned[i].key}~${anchors[i].source}:${anchors[i].sourceAssetId.toLowerCase()}`;
    }
  }
}

/**
 * A plausible but unproven match (a review verdict, or a match an asset could not take) flags the
 * weaker of the two assets: fewer ids, then worse rank, then larger smallest member.
 */
function flagForReview(block: BlockState): void {
  const { planned, clusters, edges, find, members } = block;
  const clusterOf = new Map<number, number>();
  clusters.forEach((g, c) => clusterOf.set(find(g[0]), c));
  const best = new Map<number, { score: number; other: number; blocked: boolean }>();
  for (const e of edges) {
    const [a, b] = [clusterOf.get(find(e.i))!, clusterOf.get(find(e.j))!];
    if (a === b) continue;
    const sideA = { plan: planned[a], group: clusters[a] };
    const weaker = compareStrength(sideA, { plan: planned[b], group: clusters[b] }, members) < 0 ? a : b;
    const other = weaker === a ? b : a;
    if (planned[weaker].frozenId) continue;
    const raw = (e.verdict as { score: number }).score;
    const s = e.verdict.kind === 'review' ? raw : Math.min(MERGE_THRESHOLD, raw);
    const prev = best.get(weaker);
    if (!prev || s > prev.score || (s === prev.score && cmp(planned[other].key, planned[prev.other].key) < 0)) {
      best.set(weaker, { score: s, other, blocked: e.verdict.kind === 'match' });
    }
  }
  for (const [c, { score, other, blocked }] of best) {
    if (planned[c].needsReview) continue;
    const near = `asset ${planned[other].key} ("${planned[other].name}")`;
    planned[c].needsReview = true;
    planned[c].reviewReason = blocked
      ? `symbol ${planned[c].symbol}: matches ${near}, which holds an id of the same source or a conflicting one`
      : `symbol ${planned[c].symbol} shared with ${near}, match score ${score} not enough to merge`;
    for (const m of planned[c].members) if (m.method === 'new') m.confidence = Math.min(score, 0.999);
  }
}

/** Negative when `a` is the weaker: not operator-fixed, fewer ids, worse best rank, larger smallest member. */
type Side = { plan: PlannedAsset; group: number[] };

function compareStrength(a: Side, b: Side, members: BlockMember[]): number {
  const pinned = (x: Side) => (x.plan.frozenId || x.group.some((i) => members[i].overrideKey) ? 1 : 0);
  const bestRank = (x: Side) => Math.min(...x.group.map((i) => members[i].rank ?? Number.MAX_SAFE_INTEGER));
  return (
    pinned(a) - pinned(b) || a.group.length - b.group.length || bestRank(b) - bestRank(a) || b.group[0] - a.group[0]
  );
}

/** Each id's method and confidence: its strongest pair inside its asset; alone: `new`. */
function assignMethods(block: BlockState): void {
  const { planned, clusters, edges, find, members } = block;
  const bestEdge = new Map<number, { method: string; score: number }>();
  for (const e of edges) {
    if (e.verdict.kind !== 'match' || find(e.i) !== find(e.j)) continue;
    for (const i of [e.i, e.j]) {
      const prev = bestEdge.get(i);
      if (!prev || e.verdict.score > prev.score) bestEdge.set(i, { method: e.verdict.method, score: e.verdict.score });
    }
  }
  clusters.forEach((g, c) => {
    g.forEach((i, k) => {
      const m = planned[c].members[k];
      if (members[i].frozen) return;
      if (members[i].overrideKey) {
        m.method = 'override';
        m.confidence = 1;
        return;
      }
      const e = bestEdge.get(i);
      if (e && g.length > 1) {
        m.method = e.method;
        m.confidence = Math.min(1, e.score);
      }
    });
  });
}
