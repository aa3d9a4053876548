#!/usr/bin/env node
// `npm run plugin:new -- <id> [--dir <folder>]`: scaffolds a source plugin that passes the SDK's
// conformance kit as generated (module, extractor, mapper, config, fixture routes, conformance test).
// Default folder: src/sources/<id>. Then add its module to src/sources/sources.module.ts (one line).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const id = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--dir');
const dirFlag = args.indexOf('--dir');
if (!id || !/^[a-z][a-z0-9-]{0,40}$/.test(id)) {
  console.error(
    'usage: npm run plugin:new -- <id> [--dir <folder>]   (id: lower case, [a-z0-9-], starting with a letter)',
  );
  process.exit(2);
}
const dir = path.resolve(dirFlag >= 0 ? args[dirFlag + 1] : path.join('src/sources', id));
if (existsSync(path.join(dir, `${id}-source.module.ts`))) {
  console.error(`${dir} already holds a plugin "${id}": nothing written`);
  process.exit(1);
}

const Pascal = id
  .split('-')
  .map((p) => p[0].toUpperCase() + p.slice(1))
  .join('');
const camel = Pascal[0].toLowerCase() + Pascal.slice(1);
const ENV = id.toUpperCase().replace(/-/g, '_');

const files = {
  [`${id}.config.ts`]: `import { Matches } from 'class-validator';

/** Injection token of the validated {@link ${Pascal}Env}. */
export const ${ENV}_CONFIG = Symbol('${ENV}_CONFIG');

/** The plugin's own environment variables (documented in README.md), validated at boot. */
export class ${Pascal}Env {
  /** The upstream's API root; tests point it at the fixture server. */
  @Matches(/^https?:\\/\\/[^\\s]+$/, { message: '${ENV}_BASE_URL must be an http(s) URL' })
  ${ENV}_BASE_URL = 'https://api.example.com';
}
`,
  [`${id}.mapper.ts`]: `import { cleanDecimal, mapped, parseTimestamp, rejected, type MapResult } from '@kasparro/etl-plugin-sdk';

/** One upstream ticker, as the API sends it. */
export interface ${Pascal}Ticker {
  id: string;
  symbol: string;
  name: string | null;
  price_usd: unknown;
  last_updated: string;
}

/** Maps one ticker to a canonical quote, or says why it cannot. Pure: no I/O, no clock. */
export function map${Pascal}Ticker(t: ${Pascal}Ticker): MapResult {
  const observedAt = parseTimestamp(t.last_updated);
  if (observedAt === null) return rejected(\`\${t.id}: unreadable last_updated "\${String(t.last_updated)}"\`);
  const price = cleanDecimal(t.price_usd);
  if (!price.ok) return rejected(\`\${t.id}: price_usd \${price.reason}\`);
  if (price.value === null) return rejected(\`\${t.id}: no price_usd\`);
  return mapped({
    kind: 'market_quote',
    sourceAssetId: t.id,
    symbol: t.symbol.toUpperCase(),
    name: t.name,
    rank: null,
    observedAt,
    priceUsd: price.value,
    marketCapUsd: null,
    volume24hUsd: null,
    change24hPct: null,
    circulatingSupply: null,
    totalSupply: null,
    maxSupply: null,
  });
}
`,
  [`${id}.extractor.ts`]: `import { Inject, Injectable } from '@nestjs/common';
import {
  SnapshotReader,
  SourcePlugin,
  SourcePluginError,
  type ExtractContext,
  type ExtractedBatch,
  type Extractor,
  type MapResult,
  type RawRecord,
  type StreamDefinition,
} from '@kasparro/etl-plugin-sdk';
import { ${ENV}_CONFIG, ${Pascal}Env } from './${id}.config.js';
import { map${Pascal}Ticker, type ${Pascal}Ticker } from './${id}.mapper.js';

const TICKERS: StreamDefinition = {
  name: 'tickers',
  kind: 'market_quotes',
  expectedSchema: [
    { path: 'id', type: 'string', required: true },
    { path: 'symbol', type: 'string', required: true },
    { path: 'price_usd', type: 'number', required: true },
    { path: 'last_updated', type: 'string', required: true },
  ],
};

/** GET /v1/tickers returns the whole current snapshot: every run reads it all (SnapshotReader). */
@SourcePlugin({ id: '${id}' })
@Injectable()
export class ${Pascal}Extractor implements Extractor {
  readonly sourceId = '${id}';
  readonly rateLimitPerMinute = 60;
  readonly streams = [TICKERS];

  constructor(@Inject(${ENV}_CONFIG) private readonly config: ${Pascal}Env) {}

  async *extract(context: ExtractContext): AsyncIterable<ExtractedBatch> {
    const reader = new SnapshotReader(context.runStartedAt);
    const rows = await context.http.getJson<unknown>(\`\${this.config.${ENV}_BASE_URL.replace(/\\/$/, '')}/v1/tickers\`, { signal: context.signal });
    if (!Array.isArray(rows)) throw new SourcePluginError({ sourceId: this.sourceId, kind: 'upstream_format', message: 'tickers: expected an array' });
    reader.pageRead();
    for (let i = 0; i < rows.length; i += context.batchSize) {
      if (context.signal.aborted) return;
      const records = (rows.slice(i, i + context.batchSize) as Array<Record<string, unknown>>).map((row) => reader.record(row));
      const last = i + context.batchSize >= rows.length;
      yield { stream: TICKERS.name, records, cursor: last ? reader.finished() : reader.reading() };
    }
  }

  map(record: RawRecord): MapResult {
    return map${Pascal}Ticker(record.payload as unknown as ${Pascal}Ticker);
  }
}
`,
  [`${id}-source.module.ts`]: `import { Module } from '@nestjs/common';
import { ENVIRONMENT, loadSourceConfig, type Environment } from '@kasparro/etl-plugin-sdk';
import { ${ENV}_CONFIG, ${Pascal}Env } from './${id}.config.js';
import { ${Pascal}Extractor } from './${id}.extractor.js';

/** The ${id} source plugin: the service discovers its extractor; nothing imports it. */
@Module({
  providers: [
    { provide: ${ENV}_CONFIG, inject: [ENVIRONMENT], useFactory: (env: Environment) => loadSourceConfig(${Pascal}Env, env) },
    ${Pascal}Extractor,
  ],
})
export class ${Pascal}SourceModule {}
`,
  [`${id}.fixture-routes.ts`]: `import type { FixtureRoutes } from '@kasparro/etl-plugin-sdk/testing';

/** A recorded sample of the upstream: two good tickers and one the mapper must reject. */
export const ${camel}Tickers = [
  { id: 'btc', symbol: 'btc', name: 'Bitcoin', price_usd: 94120.1, last_updated: '2029-12-01T00:00:00Z' },
  { id: 'eth', symbol: 'eth', name: 'Ethereum', price_usd: 3101.55, last_updated: '2029-12-01T00:00:00Z' },
  { id: 'bad', symbol: 'bad', name: 'Broken', price_usd: 'n/a?', last_updated: '2029-12-01T00:00:00Z' },
];

/** The upstream as the fixture server serves it (conformance kit, demos, e2e tests). */
export function ${camel}FixtureRoutes(): FixtureRoutes {
  return { 'GET /v1/tickers': () => ({ body: ${camel}Tickers }) };
}
`,
  [`${id}.conformance.spec.ts`]: `import { runExtractorConformance } from '@kasparro/etl-plugin-sdk/testing';
import { ${Pascal}SourceModule } from './${id}-source.module.js';
import { ${camel}FixtureRoutes } from './${id}.fixture-routes.js';

runExtractorConformance({
  module: ${Pascal}SourceModule,
  fixtures: { routes: ${camel}FixtureRoutes(), env: (url) => ({ ${ENV}_BASE_URL: url }) },
  expectRejects: true,
});
`,
  'README.md': `# Source plugin: ${id}

Reads \`GET /v1/tickers\` (a snapshot of every ticker) and maps each to a canonical quote.

| Variable | Default | Meaning |
|---|---|---|
| \`${ENV}_BASE_URL\` | \`https://api.example.com\` | the upstream's API root |
| \`${ENV}_RATE_LIMIT_PER_MIN\` | \`60\` | requests per minute (engine-wide override) |
| \`${ENV}_CRON\` | \`ETL_CRON\` | this source's schedule |

Enable it with \`ETL_SOURCES=...,${id}\`. Test it with the SDK's conformance kit (\`${id}.conformance.spec.ts\`).
`,
};

mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
console.log(`scaffolded source plugin "${id}" in ${path.relative(process.cwd(), dir) || '.'}:`);
for (const name of Object.keys(files)) console.log(`  ${name}`);
console.log(
  `\nadd to src/sources/sources.module.ts: import { ${Pascal}SourceModule } from './${id}/${id}-source.module.js'; (and list it in imports)`,
);
