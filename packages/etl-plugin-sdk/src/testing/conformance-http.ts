import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { HttpRequestOptions, SourceHttpClient } from '../extractor.interface.js';
import { parseJson } from '../json-number.js';

const realFetch = globalThis.fetch.bind(globalThis);

/**
 * The kit's `context.http`: plain requests through the fetch captured before the guard goes up,
 * lossless JSON like the engine's client, and a count of calls. No retries: fixtures answer.
 */
export class ConformanceHttpClient implements SourceHttpClient {
  calls = 0;

  async getJson<T = unknown>(url: string, options?: HttpRequestOptions): Promise<T> {
    return parseJson(await (await this.get(url, options)).text()) as T;
  }

  async getText(url: string, options?: HttpRequestOptions): Promise<string> {
    return (await this.get(url, options)).text();
  }

  async getStream(url: string, options?: HttpRequestOptions): Promise<NodeJS.ReadableStream> {
    const res = await this.get(url, options);
    if (!res.body) throw new Error(`GET ${url}: empty body`);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  }

  private async get(url: string, options: HttpRequestOptions = {}): Promise<Response> {
    this.calls += 1;
    const target = new URL(url);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const res = await realFetch(target, { headers: options.headers, signal: options.signal });
    if (!res.ok) throw new Error(`GET ${target.pathname}: HTTP ${res.status}`);
    return res;
  }
}

/** Outbound calls made around `context.http` while the guard is up (fetch, http(s).request/get). */
export class OutboundGuard {
  readonly violations: string[] = [];
  private restore: Array<() => void> = [];

  /** Replaces the global fetch and node's http(s) request functions with ones that record and throw. */
  up(): void {
    if (this.restore.length > 0) return;
    const record = (what: string) => {
      this.violations.push(what);
      throw new Error(`conformance: outbound call outside context.http (${what})`);
    };
    const saved = globalThis.fetch;
    // fetch fails asynchronously, as the real one does when refused.
    globalThis.fetch = ((input: unknown) => {
      try {
        return record(`fetch ${describe(input)}`);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }) as typeof fetch;
    this.restore.push(() => (globalThis.fetch = saved));
    for (const [name, mod] of [
      ['http', http],
      ['https', https],
    ] as const) {
      const { request, get } = mod;
      (mod as { request: unknown }).request = (input: unknown) => record(`${name}.request ${describe(input)}`);
      (mod as { get: unknown }).get = (input: unknown) => record(`${name}.get ${describe(input)}`);
      this.restore.push(() => Object.assign(mod, { request, get }));
    }
  }

  /** Puts the real functions back. */
  down(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }
}

function describe(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return typeof input === 'object' && input !== null && 'url' in input
    ? String((input as { url: unknown }).url)
    : 'request';
}
