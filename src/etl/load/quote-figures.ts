import { QUOTE_FIGURE_COLUMNS, type CanonicalQuote, type QuoteFigure } from '@kasparro/etl-plugin-sdk';

const FIGURES = Object.keys(QUOTE_FIGURE_COLUMNS) as QuoteFigure[];

/** The stored quote's figure columns, in the order of {@link quoteFigures}. */
export const FIGURE_COLUMNS: readonly string[] = Object.values(QUOTE_FIGURE_COLUMNS);

/** A quote's figures in canonical order: what its stored row holds besides its identity and instant. */
export function quoteFigures(q: Pick<CanonicalQuote, QuoteFigure>): Array<string | number | null> {
  return FIGURES.map((figure) => q[figure]);
}
