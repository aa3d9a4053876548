/**
 * `@kasparro/etl-plugin-sdk`: everything a Kasparro ETL source plugin imports, and everything the
 * service imports to discover and run plugins (one copy for both, so the discovery decorator and the
 * injection tokens are the same objects).
 *
 * @packageDocumentation
 */
export * from './canonical.types.js';
export * from './quote-figures.js';
export * from './extractor.interface.js';
export * from './source-plugin.decorator.js';
export * from './source-config.js';
export * from './validate-env.js';
export * from './secret-env.js';
export * from './json-number.js';
export * from './snapshot-reader.js';
export * from './incremental-watermark.js';
export * from './decimal.js';
export * from './timestamp.js';
export * from './plugin-error.js';
export * from './payload-fields.js';
export * from './asset-identity.js';
export * from './quote-price.js';
export * from './declared-extractor.js';
export * from './mapped-extractor.js';
export * from './in-batches.js';
