import type { FieldSpec, FieldType, StreamDefinition, StreamKind } from './extractor.interface.js';

const FIELD_TYPES: readonly FieldType[] = ['string', 'number', 'boolean', 'object', 'array'];
const NOTATION = /^\s*([^\s:]+)\s*:\s*([a-z]+)(!)?(\?)?\s*$/;

/**
 * A stream's expected payload fields in a compact notation, one string per field, order kept:
 * `"<path>:<type>"`, then `!` when the field is required and `?` when it may be null
 * (`"quotes.USD.price:number!"`, `"image:string?"`, `"rank:number"`). The same {@link FieldSpec}s
 * as written out in full; an unreadable entry throws when the plugin's module loads.
 *
 * @example
 * ```ts
 * expectedSchema: payloadFields('id:string!', 'price:number!', 'volume:number?'),
 * ```
 */
export function payloadFields(...fields: readonly string[]): FieldSpec[] {
  return fields.map((notation) => {
    const m = NOTATION.exec(notation);
    const type = m?.[2] as FieldType | undefined;
    if (!m || !type || !FIELD_TYPES.includes(type)) {
      throw new Error(
        `payloadFields: "${notation}" is not "<path>:<${FIELD_TYPES.join('|')}>" with an optional "!" (required) and "?" (nullable)`,
      );
    }
    const spec: FieldSpec = { path: m[1], type };
    if (m[3]) spec.required = true;
    if (m[4]) spec.nullable = true;
    return spec;
  });
}

/**
 * One stream: its name, its kind and its expected payload fields in {@link payloadFields}' notation.
 *
 * @example
 * ```ts
 * readonly streams = [streamOf('tickers', 'market_quotes', 'id:string!', 'price:number!')];
 * ```
 */
export function streamOf(name: string, kind: StreamKind, ...fields: readonly string[]): StreamDefinition {
  return fields.length > 0 ? { name, kind, expectedSchema: payloadFields(...fields) } : { name, kind };
}
