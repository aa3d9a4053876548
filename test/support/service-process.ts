import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { testEnv } from './env.js';

export const MAIN_JS = path.join(__dirname, '../../dist/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The built service (`node dist/src/main.js`, as `npm start` runs it) in its own process. */
export async function startService(
  env: Record<string, string | undefined>,
  opts: {
    waitReady?: boolean;
    timeoutMs?: number;
    /** Another copy of the built service (default MAIN_JS) */ mainJs?: string;
    cwd?: string;
  } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const logs: string[] = [];
  const child = spawn(process.execPath, [opts.mainJs ?? MAIN_JS], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, ...testEnv({ LOG_LEVEL: 'info', ...env }), PORT: String(port) } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    url,
    child,
    logs,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (opts.waitReady ?? true) {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`service exited with ${child.exitCode}: ${logs.join('').slice(-2000)}`);
      }
      try {
        const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await service.stop('SIGKILL');
        throw new Error(`service not ready in time: ${logs.join('').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return service;
}
