/**
 * The one import rule ESLint cannot see: cycles through type-only imports (import-x/no-cycle skips
 * `import type`). The layer rules live in eslint.config.mjs; docs/ARCHITECTURE.md explains both.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle, type-only ones included: split the shared part into a file both can import.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    // Type-only imports count: a type cycle is the same tangle for a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
