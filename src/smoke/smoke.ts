import { parseArgs } from 'node:util';
import { CHECKS, SkipCheck, type SmokeContext } from './smoke-checks.js';

/**
 * `npm run smoke -- --url <base-url> [--admin-key <key>]`: verifies a running deployment. Prints one
 * line per check and `N/M checks passed`; exit code 0 only when every check passed.
 */
export async function runSmoke(options: { url: string; adminKey?: string; timeoutMs?: number; out?: (line: string) => void }): Promise<{ passed: number; failed: number; skipped: number }> {
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
    post: (path, body, headers) => call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
  };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  out(`smoke test of ${baseUrl}`);
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
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      out(`FAIL ${label} — ${(err as Error).message}${cause ? ` (${cause})` : ''}`);
    }
  }
  out(`${passed}/${passed + failed} checks passed${skipped ? ` (${skipped} skipped)` : ''}`);
  return { passed, failed, skipped };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { url: { type: 'string', default: 'http://localhost:8000' }, 'admin-key': { type: 'string' }, timeout: { type: 'string' } },
    strict: true,
  });
  runSmoke({ url: values.url!, adminKey: values['admin-key'] ?? process.env.ADMIN_API_KEY, timeoutMs: values.timeout ? Number(values.timeout) : undefined }).then(
    ({ failed, passed }) => process.exit(failed === 0 && passed > 0 ? 0 : 1),
    (err: unknown) => {
      process.stderr.write(`smoke test crashed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
