import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { existsSync } from 'node:fs';
import { AppModule } from '../../app.module.js';
import { errorMessageOf } from '../../common/errors/error-code.js';
import { sendLogsToStderr } from '../../platform/logging/logger.options.js';
import { SecretMasker } from '../../common/secrets/secret-masker.js';
import { BackfillService } from '../../etl/backfill/backfill.service.js';
import { EtlRunner } from '../../etl/etl-runner.service.js';
import { QuarantineReplayService } from '../../etl/operations/quarantine-replay.service.js';
import { StreamOperationsService } from '../../etl/operations/stream-operations.service.js';
import { SourceRegistry } from '../../etl/registry/source-registry.service.js';
import { RollupRebuildService } from '../../etl/rollups/rollup-rebuild.service.js';
import { RunsRepository } from '../../etl/ledger/runs.repository.js';
import { parseCliArgs, USAGE, type CliCommand } from './cli-args.js';
import { SourceCountersRepository } from '../../catalog/counters/source-counters.repository.js';
import { rollupsCommand } from './rollups-command.js';
import { compactCommand } from './compact-command.js';
import { PartitionMaintenance } from '../../catalog/partitions/partition-maintenance.service.js';
import { backfillCommand, cancelCommand, replayCommand, resetCommand } from './stream-commands.js';
import { showProgress } from './run-progress.js';

const FAILED = new Set(['failed', 'rate_limited', 'abandoned', 'cancelled']);

/**
 * One-shot ETL commands for operators, Kubernetes CronJobs and cloud schedulers. Boots the same
 * modules as the service (no HTTP server, no schedule, no run at start).
 */
async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv, Boolean(process.stdout.isTTY));
  } catch (err) {
    process.stderr.write(`${errorMessageOf(err)}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  // stdout carries the command's result (pure JSON with --json); every log line goes to stderr.
  sendLogsToStderr();
  const env = {
    ...process.env,
    ETL_SCHEDULER_ENABLED: 'false',
    ETL_RUN_ON_START: 'false',
    // On a TTY the progress display replaces routine logs.
    LOG_LEVEL: command.json ? process.env.LOG_LEVEL : (process.env.LOG_LEVEL ?? 'warn'),
  };
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  try {
    switch (command.command) {
      case 'run':
        return await runCommand(app.get(EtlRunner), command.sources, command.json);
      case 'status':
        return await statusCommand(app.get(RunsRepository), command.json);
      case 'sources':
        return sourcesCommand(app.get(SourceRegistry), command.json);
      case 'reset':
        return await resetCommand(app.get(StreamOperationsService), command);
      case 'cancel':
        return await cancelCommand(app.get(StreamOperationsService), command);
      case 'replay':
        return await replayCommand(app.get(QuarantineReplayService), command);
      case 'backfill':
        return await backfillCommand(app.get(BackfillService), command);
      case 'recount':
        return await recountCommand(app.get(SourceCountersRepository), command);
      case 'rollups':
        return await rollupsCommand(app.get(RollupRebuildService), command);
      case 'compact':
        return await compactCommand(app.get(PartitionMaintenance), command);
    }
  } finally {
    await app.close();
  }
}

/** Recomputes the row counters, then prints them (source → table → rows). */
async function recountCommand(
  counters: SourceCountersRepository,
  command: { source?: string; json: boolean },
): Promise<number> {
  await counters.recountNow(command.source);
  const counts = Object.fromEntries(await counters.counts());
  if (command.json) {
    process.stdout.write(
      `${JSON.stringify({ msg: 'counters recounted', source: command.source ?? null, counters: counts })}\n`,
    );
  } else {
    for (const [source, c] of Object.entries(counts)) {
      process.stdout.write(
        `${source.padEnd(12)} quotes ${c.market_quotes}, news ${c.news_items}, quarantined ${c.quarantined_records}\n`,
      );
    }
  }
  return 0;
}

async function runCommand(runner: EtlRunner, sources: string[], json: boolean): Promise<number> {
  const stop = json ? () => undefined : showProgress(runner.events$, process.stderr);
  const summary = await runner.run({ trigger: 'cli', sources: sources.length > 0 ? sources : undefined }).finally(stop);
  if (json) {
    process.stdout.write(`${JSON.stringify({ msg: 'etl run finished', ...summary })}\n`);
  } else {
    process.stdout.write(`\nrun ${summary.runId}: ${summary.status}\n`);
    for (const [source, r] of Object.entries(summary.sources)) {
      const t = r.totals;
      process.stdout.write(
        `  ${source.padEnd(12)} ${r.status.padEnd(12)} extracted ${t.extracted}, inserted ${t.inserted}, updated ${t.updated}, unchanged ${t.unchanged}, duplicate ${t.duplicate}, quarantined ${t.quarantined}${r.error ? `\n               ${r.error}` : ''}\n`,
      );
    }
  }
  return Object.values(summary.sources).some((r) => FAILED.has(r.status)) ? 1 : 0;
}

async function statusCommand(runs: RunsRepository, json: boolean): Promise<number> {
  const rows = await runs.latestRunPerSource();
  if (json) {
    process.stdout.write(`${JSON.stringify({ sources: rows })}\n`);
  } else if (rows.length === 0) {
    process.stdout.write('no runs yet\n');
  } else {
    for (const r of rows) {
      process.stdout.write(
        `${r.source.padEnd(12)} ${r.status.padEnd(12)} ${new Date(r.started_at).toISOString()}  ${r.duration_ms ?? '-'} ms  extracted ${r.records_extracted}, inserted ${r.records_inserted}, quarantined ${r.records_quarantined}${r.error_message ? `  (${r.error_message})` : ''}\n`,
      );
    }
  }
  return 0;
}

function sourcesCommand(registry: SourceRegistry, json: boolean): number {
  const enabled = new Set(registry.enabledIds());
  const list = registry.ids().map((id) => ({
    id,
    enabled: enabled.has(id),
    streams: registry.get(id)!.streams.map((s) => s.name),
    rate_limit_per_min: registry.rateLimitOf(id),
  }));
  if (json) process.stdout.write(`${JSON.stringify({ sources: list })}\n`);
  else {
    for (const s of list) {
      process.stdout.write(
        `${s.id.padEnd(12)} ${s.enabled ? 'enabled ' : 'disabled'}  streams: ${s.streams.join(', ')}  rate limit: ${s.rate_limit_per_min}/min\n`,
      );
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A failed connection's message can quote the database URL: mask the configured secrets.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`${SecretMasker.fromEnvironment(process.env).mask(message)}\n`);
    process.exit(1);
  },
);
