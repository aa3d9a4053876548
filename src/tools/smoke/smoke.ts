import { parseArgs } from 'node:util';
import { CHECKS, SkipCheck, type SmokeContext } from './smoke-checks.js';
import { errorCauseOf, errorCodeOf, errorMessageOf } from '../../common/errors/error-code.js';

/**
 * `npm run smoke -- --url <base-url> [--admin-key <key>]`: verifies a running deployment. Prints one
 * line per check and `N/M checks passed`; exit code 0 only when every check passed.
 */
export async function runSmoke(options: {
  url: string;
  adminKey?: string;
  timeoutMs?: number;
  waitSeconds?: number;
  out?: (line: string) => void;
}): Promise<{ passed: number; failed: number; skipped: number }> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const baseUrl = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = async (path: string, init: RequestInit & { timeoutMs?: number } = {}) => {
    const res = await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? timeoutMs) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  const ctx: SmokeContext = {
    baseUrl,
    adminKey: options.adminKey,
    timeoutMs,
    get: (path, init) => call(path, { headers: init?.headers, timeoutMs: init?.timeoutMs }),
    post: (path, body, headers) =>
      call(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
  };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  out(`smoke test of ${baseUrl}`);
  if (options.waitSeconds) await waitUntilIngested(ctx, options.waitSeconds, out);
  for (const [i, check] of CHECKS.entries()) {
    const label = `${i + 1}. ${check.name}`;
    try {
      const note = await check.run(ctx);
      passed += 1;
      out(`PASS ${label}${note ? ` — ${note}` : ''}`);
    } catch (err) {
      if (err instanceof SkipCheck) {
        skipped += 1;
        out(`SKIP ${label} — ${err.message}`);
        continue;
      }
      failed += 1;
      const cause = errorCodeOf(errorCauseOf(err));
      out(`FAIL ${label} — ${errorMessageOf(err)}${cause ? ` (${cause})` : ''}`);
    }
  }
  out(`${passed}/${passed + failed} checks passed${skipped ? ` (${skipped} skipped)` : ''}`);
  return { passed, failed, skipped };
}

/** Waits (bounded) until the instance is ready and every enabled source has finished a run. */
async function waitUntilIngested(ctx: SmokeContext, seconds: number, out: (line: string) => void): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      const ready = await ctx.get('/health/ready');
      if (ready.status === 200) {
        const sources = (await ctx.get('/etl/sources')).json().data as Array<{
          id: string;
          enabled: boolean;
          running: boolean;
        }>;
        const stats = (await ctx.get('/stats')).json().data.sources as Array<{
          source: string;
          last_run_status: string | null;
        }>;
        const pending = sources.filter(
          (s) =>
            s.enabled &&
            (s.running ||
              !stats.find((x) => x.source === s.id)?.last_run_status ||
              stats.find((x) => x.source === s.id)?.last_run_status === 'running'),
        );
        if (pending.length === 0) return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  out(`(waited ${seconds} s for the first ingestion; checking anyway)`);
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:8000' },
      'admin-key': { type: 'string' },
      timeout: { type: 'string' },
      wait: { type: 'string' },
    },
    strict: true,
  });
  runSmoke({
    url: values.url!,
    adminKey: values['admin-key'] ?? process.env.ADMIN_API_KEY,
    timeoutMs: values.timeout ? Number(values.timeout) : undefined,
    waitSeconds: values.wait ? Number(values.wait) : undefined,
  }).then(
    ({ failed, passed }) => process.exit(failed === 0 && passed > 0 ? 0 : 1),
    (err: unknown) => {
      process.stderr.write(`smoke test crashed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
