type Body = () => Promise<void> | void;

/**
 * For the kits' own tests (not exported by the package): runs the checks `declare` declares (a
 * `runExtractorConformance` or `runEngineConformance` call) outside the test runner's registry,
 * so a test can see which of them fail: each check's failure message, or null when it passes.
 */
export async function declaredCheckOutcomes(declare: () => void): Promise<Map<string, string | null>> {
  const its: Array<[string, Body]> = [];
  const before: Body[] = [];
  const after: Body[] = [];
  const g = globalThis as Record<string, unknown>;
  const saved = { describe: g.describe, it: g.it, beforeAll: g.beforeAll, afterAll: g.afterAll };
  Object.assign(g, {
    describe: (_: string, body: () => void) => body(),
    it: (name: string, body: Body) => its.push([name, body]),
    beforeAll: (body: Body) => before.push(body),
    afterAll: (body: Body) => after.push(body),
  });
  try {
    declare();
  } finally {
    Object.assign(g, saved);
  }
  const results = new Map<string, string | null>();
  try {
    for (const body of before) await body();
    for (const [name, body] of its) {
      try {
        await body();
        results.set(name, null);
      } catch (err) {
        results.set(name, err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    for (const body of after) await body();
  }
  return results;
}
