import { surviveFields, type SourceFields } from './survivorship.js';

const own = { name: 'Own Name', rank: 7 };
const priorities: Record<string, number> = { coingecko: 3, coinpaprika: 2, csv: 1 };
const priorityOf = (source: string) => priorities[source] ?? 0;

describe('surviveFields', () => {
  it('should take each field from the highest-priority source that has it', () => {
    const sources: SourceFields[] = [
      { source: 'csv', name: 'Csv Coin', rank: 9 },
      { source: 'coinpaprika', name: 'Paprika Coin', rank: 2 },
      { source: 'coingecko', name: null, rank: 1 },
    ];
    expect(surviveFields(own, sources, priorityOf)).toEqual({
      name: 'Paprika Coin',
      rank: 1,
      field_sources: { name: 'coinpaprika', rank: 'coingecko' },
    });
  });

  it("should keep the asset's own values when no source has the field", () => {
    const sources: SourceFields[] = [{ source: 'csv', name: '', rank: null }];
    expect(surviveFields(own, sources, priorityOf)).toEqual({ ...own, field_sources: { name: null, rank: null } });
  });

  it("should keep the mappings' order when priorities are equal", () => {
    const sources: SourceFields[] = [
      { source: 'x', name: 'First', rank: null },
      { source: 'y', name: 'Second', rank: 4 },
    ];
    expect(surviveFields(own, sources, () => 0)).toEqual({
      name: 'First',
      rank: 4,
      field_sources: { name: 'x', rank: 'y' },
    });
  });

  it("should not reorder the caller's list", () => {
    const sources: SourceFields[] = [
      { source: 'csv', name: 'a', rank: 1 },
      { source: 'coingecko', name: 'b', rank: 2 },
    ];
    surviveFields(own, sources, priorityOf);
    expect(sources.map((s) => s.source)).toEqual(['csv', 'coingecko']);
  });
});
