/** One check of the smoke test: a name, and a function that throws with a clear reason when it fails. */
export interface SmokeCheck {
  name: string;
  run(ctx: SmokeContext): Promise<string | void>;
}

export class SkipCheck extends Error {}

// The smoke test reads JSON from any deployment of any version: it checks shapes at run time.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface SmokeContext {
  baseUrl: string;
  adminKey?: string;
  timeoutMs: number;
  get(
    path: string,
    init?: { headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<{ status: number; headers: Headers; text: string; json: () => any }>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; json: () => any }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
