/** Everything a source plugin needs from the engine. Plugins import from here only. */
export * from './canonical.types.js';
export * from './extractor.interface.js';
export * from './source-plugin.decorator.js';
export * from './source-config.js';
export * from './json-number.js';
export * from './snapshot-reader.js';
