// Transitional re-export (issue 22): the plugin contract lives in @kasparro/etl-plugin-sdk; import it from there.
export * from '@kasparro/etl-plugin-sdk';
