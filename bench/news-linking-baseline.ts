import { normalizeName } from '../src/catalog/asset-naming.js';
import { COMMON_WORD_SYMBOLS, type DictionaryAsset, type Mention } from '../src/catalog/mention-matcher.js';

/**
 * The mention matcher as it was before issue 18 §5, kept verbatim: one regular expression per asset
 * name and per ticker, built for every text. It is the reference oracle of the differential test in
 * src/catalog/mention-matcher.spec.ts and the "old" side of bench/news-linking.bench.ts. Do not
 * "fix" it: its behaviour is the specification the compiled matcher must reproduce.
 */
export function findMentionsBaseline(text: string, categories: string[], dictionary: DictionaryAsset[]): Mention[] {
  const haystack = `${text}\n${categories.join('\n')}`;
  const lower = haystack.toLowerCase();
  const found = new Map<string, Mention>();
  const nameSpans: Array<{ start: number; end: number; assetId: string; name: string }> = [];

  const byName = new Map<string, DictionaryAsset[]>();
  for (const asset of dictionary) {
    const name = normalizeName(asset.name);
    if (name.length < 3 || COMMON_WORD_SYMBOLS.has(name.toUpperCase())) continue;
    byName.set(name, [...(byName.get(name) ?? []), asset]);
  }
  for (const [name, assets] of byName) {
    const pattern = new RegExp(`(?<![a-z0-9])${name.split(' ').map(escapeRegExp).join('[\\s-]+')}(?![a-z0-9])`, 'g');
    for (const m of lower.matchAll(pattern)) {
      const best = preferred(assets);
      if (best) nameSpans.push({ start: m.index, end: m.index + m[0].length, assetId: best.id, name });
    }
  }
  const kept = nameSpans.filter(
    (s) => !nameSpans.some((o) => o !== s && o.start <= s.start && o.end >= s.end && o.end - o.start > s.end - s.start),
  );
  for (const s of kept) add(found, { assetId: s.assetId, confidence: 0.95, matched: haystack.slice(s.start, s.end) });
  const namedIds = new Set(kept.map((s) => s.assetId));

  const bySymbol = new Map<string, DictionaryAsset[]>();
  for (const asset of dictionary) bySymbol.set(asset.symbol, [...(bySymbol.get(asset.symbol) ?? []), asset]);
  for (const [symbol, assets] of bySymbol) {
    if (!/^[A-Z0-9]{2,10}$/.test(symbol)) continue;
    const asset = preferred(assets);
    if (!asset) continue;
    const dollar = new RegExp(`\\$${escapeRegExp(symbol)}(?![A-Za-z0-9])`, 'i').exec(haystack);
    if (dollar) {
      add(found, { assetId: asset.id, confidence: 0.9, matched: dollar[0] });
      continue;
    }
    if (symbol.length < 3) continue;
    const upper = new RegExp(`(?<![A-Za-z0-9$])${escapeRegExp(symbol)}(?![A-Za-z0-9])`).exec(haystack);
    if (!upper) continue;
    if (COMMON_WORD_SYMBOLS.has(symbol) && !namedIds.has(asset.id)) {
      add(found, { assetId: asset.id, confidence: 0.6, matched: upper[0] });
    } else {
      add(found, { assetId: asset.id, confidence: namedIds.has(asset.id) ? 0.95 : 0.8, matched: upper[0] });
    }
  }
  return [...found.values()].sort((a, b) => a.assetId.localeCompare(b.assetId));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function preferred(assets: DictionaryAsset[]): DictionaryAsset | undefined {
  const confident = assets.filter((a) => !a.needsReview);
  if (confident.length === 0) return undefined;
  const sorted = [...confident].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  if (sorted.length > 1 && sorted[0].rank === null) return undefined;
  return sorted[0];
}

function add(found: Map<string, Mention>, m: Mention): void {
  const prev = found.get(m.assetId);
  if (!prev || prev.confidence < m.confidence) found.set(m.assetId, m);
}
