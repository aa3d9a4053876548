import { Global, Logger, Module, type DynamicModule, type INestApplicationContext, type Type } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, NestFactory } from '@nestjs/core';
import type { ExtractedBatch, Extractor, StreamCursor } from '../extractor.interface.js';
import { ENVIRONMENT, type Environment } from '../source-config.js';
import { SourcePlugin } from '../source-plugin.decorator.js';
import { ConformanceHttpClient, OutboundGuard } from './conformance-http.js';

/** The plugin module booted on its own (as the service would import it), with its extractor found by discovery. */
export interface BootedPlugin {
  context: INestApplicationContext;
  extractor: Extractor;
  /** How many `@SourcePlugin` providers the module brought. */
  discovered: number;
}

/** Boots `module` with `env` as the ENVIRONMENT, the way the service provides it. */
export async function bootPlugin(module: Type | DynamicModule, env: Environment): Promise<BootedPlugin> {
  @Global()
  @Module({ providers: [{ provide: ENVIRONMENT, useValue: Object.freeze({ ...env }) }], exports: [ENVIRONMENT] })
  class ConformanceEnvironmentModule {}

  @Module({ imports: [DiscoveryModule, ConformanceEnvironmentModule, module] })
  class ConformanceRootModule {}

  const context = await NestFactory.createApplicationContext(ConformanceRootModule, {
    logger: false,
    abortOnError: false,
  });
  const providers = context.get(DiscoveryService).getProviders({ metadataKey: SourcePlugin.KEY });
  const extractor = providers[0]?.instance as Extractor | undefined;
  if (!extractor) {
    await context.close();
    throw new Error('conformance: the module provides no @SourcePlugin extractor');
  }
  return { context, extractor, discovered: providers.length };
}

/** How a kit run ends. */
export interface RunResult {
  batches: ExtractedBatch[];
  /** The committed cursor of each stream after the last batch read. */
  cursors: Map<string, StreamCursor>;
}

/** Options of one kit run of `extract()`. */
export interface KitRunOptions {
  extractor: Extractor;
  batchSize: number;
  runStartedAt: Date;
  /** Committed cursors to resume from. */
  cursors?: Map<string, StreamCursor>;
  /** Stop (as a killed process would: the generator is closed) after this many batches. */
  stopAfter?: number;
  http: ConformanceHttpClient;
  guard: OutboundGuard;
  signal?: AbortSignal;
}

/** Runs `extract()` like the engine does, committing each batch's cursor after it; the outbound guard is up meanwhile. */
export async function runExtract(options: KitRunOptions): Promise<RunResult> {
  const cursors = new Map(options.cursors ?? []);
  const batches: ExtractedBatch[] = [];
  const extraction = options.extractor.extract({
    cursor: (stream) => (options.cursors ?? new Map<string, StreamCursor>()).get(stream),
    signal: options.signal ?? new AbortController().signal,
    http: options.http,
    logger: new Logger(`conformance:${options.extractor.sourceId}`),
    runStartedAt: options.runStartedAt,
    batchSize: options.batchSize,
    lookbackSeconds: 0,
  });
  const iterator = extraction[Symbol.asyncIterator]();
  options.guard.up();
  try {
    for (;;) {
      if (options.stopAfter !== undefined && batches.length >= options.stopAfter) {
        await iterator.return?.();
        break;
      }
      const next = await iterator.next();
      if (next.done) break;
      batches.push(next.value);
      // The engine commits the batch and its cursor together (a JSON column): keep what JSON keeps.
      cursors.set(next.value.stream, JSON.parse(JSON.stringify(next.value.cursor)) as StreamCursor);
    }
  } finally {
    options.guard.down();
  }
  return { batches, cursors };
}
