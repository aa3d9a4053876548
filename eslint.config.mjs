import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '**/dist/**', 'node_modules/**', 'coverage/**', '.data/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
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
      eqeqeq: ['error', 'always'],
      curly: ['error', 'multi-line'],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name=/^(only|skip)$/]", message: 'No focused or skipped tests in the repository.' },
      ],
    },
  },
  {
    // Tests read loosely typed JSON and YAML bodies.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The ETL engine never imports a source: sources plug in through the Extractor contract.
    files: ['src/etl/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sources/**', '**/examples/plugins/**', 'kraken-source'], message: 'etl/ must not import a source plugin: use the Extractor contract.' }] }],
    },
  },
  {
    // The plugin fence (issue 22): a plugin, in-tree or a package, imports only the SDK
    // (@kasparro/etl-plugin-sdk and its /testing entry), its own folder's files, node built-ins and
    // the libraries it depends on. Never the service's code, another plugin, or the SDK's internals.
    files: ['src/sources/*/**/*.ts', 'examples/plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../*', '../**'], message: 'A plugin imports only the SDK and its own folder: no file outside it.' },
          { group: ['**/src/**', '**/etl/**', '**/common/**', '**/config/**'], message: 'A plugin imports only @kasparro/etl-plugin-sdk, not the service.' },
          { group: ['@kasparro/etl-plugin-sdk/*', '!@kasparro/etl-plugin-sdk/testing'], message: 'Import the SDK from @kasparro/etl-plugin-sdk (or /testing), not its internals.' },
        ],
      }],
    },
  },
  {
    // A package plugin's test may import its own src/ (one level up from test/).
    files: ['examples/plugins/*/test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['../../*', '../../**'], message: 'A plugin imports only the SDK and its own folder: no file outside it.' },
          { group: ['@kasparro/etl-plugin-sdk/*', '!@kasparro/etl-plugin-sdk/testing'], message: 'Import the SDK from @kasparro/etl-plugin-sdk (or /testing), not its internals.' },
        ],
      }],
    },
  },
);
