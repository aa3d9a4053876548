import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ (docs/ARCHITECTURE.md), lowest first: a folder imports only from folders below
 * it. sources/ sit beside them and import only the plugin SDK (the plugin fence further down).
 */
const LAYERS = ['common', 'platform', 'catalog', 'etl', 'api', 'tools'];
const layerZones = LAYERS.slice(0, -1).map((layer, i) => ({
  target: `./src/${layer}`,
  from: [
    ...LAYERS.slice(i + 1).map((above) => `./src/${above}`),
    './src/app.module.ts',
    './src/app.setup.ts',
    './src/main.ts',
  ],
  message: `${layer}/ is below ${LAYERS.slice(i + 1).join(', ')} and the composition root: it must not import them (docs/ARCHITECTURE.md, "Import rules").`,
}));

export default tseslint.config(
  { ignores: ['dist/**', '**/dist/**', 'node_modules/**', 'coverage/**', '.data/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'multi-line'],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name=/^(only|skip)$/]',
          message: 'No focused or skipped tests in the repository.',
        },
      ],
    },
  },
  {
    // Tests read loosely typed JSON and YAML bodies.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The layers: each imports only the ones below it; nothing below the composition root imports it;
    // no layer imports a source plugin (they are found by the registry, never imported).
    files: ['src/**/*.ts'],
    // Tests compose layers (a filter's spec throws the engine's errors), and the schema's entity list
    // (TypeORM needs every entity class in one array) names every layer's *.entity.ts by nature.
    ignores: ['**/*.spec.ts', 'src/platform/database/entities.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            {
              target: ['./src/common', './src/platform', './src/catalog', './src/etl', './src/api', './src/tools'],
              from: './src/sources',
              message: 'A source plugin is found by the registry, never imported (docs/PLUGINS.md).',
            },
          ],
        },
      ],
    },
  },
  {
    // The ETL engine never imports a source: sources plug in through the Extractor contract.
    files: ['src/etl/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sources/**', '**/examples/plugins/**', 'kraken-source'],
              message: 'etl/ must not import a source plugin: use the Extractor contract.',
            },
          ],
        },
      ],
    },
  },
  {
    // The plugin fence (issue 22): a plugin, in-tree or a package, imports only the SDK
    // (@kasparro/etl-plugin-sdk and its /testing entry), its own folder's files, node built-ins and
    // the libraries it depends on. Never the service's code, another plugin, or the SDK's internals.
    files: ['src/sources/*/**/*.ts', 'examples/plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '../**'],
              message: 'A plugin imports only the SDK and its own folder: no file outside it.',
            },
            {
              group: ['**/src/**', '**/etl/**', '**/common/**', '**/config/**'],
              message: 'A plugin imports only @kasparro/etl-plugin-sdk, not the service.',
            },
            {
              group: ['@kasparro/etl-plugin-sdk/*', '!@kasparro/etl-plugin-sdk/testing'],
              message: 'Import the SDK from @kasparro/etl-plugin-sdk (or /testing), not its internals.',
            },
          ],
        },
      ],
    },
  },
  {
    // A package plugin's test may import its own src/ (one level up from test/).
    files: ['examples/plugins/*/test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*', '../../**'],
              message: 'A plugin imports only the SDK and its own folder: no file outside it.',
            },
            {
              group: ['@kasparro/etl-plugin-sdk/*', '!@kasparro/etl-plugin-sdk/testing'],
              message: 'Import the SDK from @kasparro/etl-plugin-sdk (or /testing), not its internals.',
            },
          ],
        },
      ],
    },
  },
);
