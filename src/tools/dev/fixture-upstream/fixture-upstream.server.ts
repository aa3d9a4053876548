import type { FixtureRoutes } from '@kasparro/etl-plugin-sdk/testing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoinOverrides } from './coin-overrides.js';
import { fixtureCoins, type FixtureCoin } from './coins.js';
import { stringifyJson } from '../../../etl/extractor/json-number.js';
import { applyExactNumbers, type ExactNumbers } from './exact-numbers.js';
import { applyDrift, FaultBook, type Drift, type Fault, type RouteName } from './faults.js';
import { geckoListingMarket, paprikaListingTicker, type ProviderListings } from './identity-listings.js';
import { geckoMarketChartRange } from './market-chart.js';
import { geckoMarket, paprikaTicker, rssFeed } from './payloads.js';

export interface FixtureUpstreamOptions {
  port?: number;
  /** Coins served by both market APIs (default 600). */
  coins?: number;
  /** The snapshot time every quote carries (default: start time, to the minute). */
  snapshotAt?: Date;
  /** Serve these per-provider lists instead of `coins` (real listings: see identity-listings.ts). */
  listings?: ProviderListings;
  /**
   * Fixture routes other plugins provide (their `*.fixture-routes.ts`), by plugin id: served under
   * `/<id>/...` (see {@link FixtureUpstream.pluginBaseUrl}), so a new source needs no change here.
   */
  plugins?: Readonly<Record<string, FixtureRoutes>>;
}

/** A request to one of the built-in routes, with the fault scripted for it (if any). */
export interface FixtureRequest {
  route: RouteName;
  url: URL;
  res: ServerResponse;
  fault: Fault | undefined;
}

/** What a fixture route answers. */
export interface FixtureAnswer {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  route: RouteName | 'control' | 'unknown';
  path: string;
  headers: IncomingMessage['headers'];
  at: number;
}

/**
 * Loopback stand-in for CoinPaprika, CoinGecko and RSS feeds, with scriptable faults per route
 * (in-process via `faults`, or over HTTP with POST /__faults) and a log of received requests.
 * Runnable on its own: `npm run upstream:fake`.
 */
export class FixtureUpstream {
  readonly faults = new FaultBook();
  /** Per-coin `last_updated` and price deviations from the snapshot (see coin-overrides.ts). */
  readonly overrides = new CoinOverrides();
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private coins: FixtureCoin[];
  private snapshotAt: Date;

  constructor(private readonly options: FixtureUpstreamOptions = {}) {
    this.coins = fixtureCoins(options.coins ?? 600);
    this.snapshotAt = options.snapshotAt ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
  }

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Where a plugin's routes (option `plugins`) are served: point its base URL variable here. */
  pluginBaseUrl(id: string): string {
    return `${this.baseUrl}/${id}`;
  }

  /** The env variables pointing the service at this server. */
  env(): Record<string, string> {
    return {
      COINPAPRIKA_BASE_URL: `${this.baseUrl}/coinpaprika/v1`,
      COINGECKO_BASE_URL: `${this.baseUrl}/coingecko/api/v3`,
      RSS_FEED_URLS: `${this.baseUrl}/rss/cointelegraph`,
    };
  }

  /** The `last_updated` every coin carries now (unless overridden). */
  get snapshotTime(): Date {
    return this.snapshotAt;
  }

  /** Moves the snapshot time forward (or back, with a negative `ms`): every quote becomes a new observation. */
  advance(ms = 60_000): void {
    this.snapshotAt = new Date(this.snapshotAt.getTime() + ms);
  }

  setCoins(count: number): void {
    this.coins = fixtureCoins(count);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve);
    });
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (this.servePlugin(req, res, url)) return;
    const route = routeOf(url.pathname);
    this.requests.push({ route, path: `${url.pathname}${url.search}`, headers: req.headers, at: Date.now() });
    if (route === 'control') {
      void this.control(req, res, url);
      return;
    }
    if (route === 'unknown') return sendJson(res, 404, { error: 'not found' });
    const fault = this.faults.next(route);
    const respond = () => this.serve({ route, url, res, fault });
    if (fault?.type === 'delay') setTimeout(respond, fault.ms);
    else respond();
  }

  /** A request under `/<id>/` of a plugin given in `plugins`: answered by that plugin's routes. */
  private servePlugin(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const [, id, ...rest] = url.pathname.split('/');
    const routes = this.options.plugins?.[id];
    if (!routes) return false;
    const path = `/${rest.join('/')}`;
    const method = req.method ?? 'GET';
    this.requests.push({
      route: 'unknown',
      path: `${url.pathname}${url.search}`,
      headers: req.headers,
      at: Date.now(),
    });
    const route = routes[`${method} ${path}`];
    if (!route) {
      sendJson(res, 404, { error: `no fixture route for ${method} ${path} of plugin ${id}` });
      return true;
    }
    void Promise.resolve(route({ method, path, query: url.searchParams, headers: req.headers })).then(
      (answer) => {
        const raw = typeof answer.body === 'string' || Buffer.isBuffer(answer.body);
        send(res, {
          status: answer.status ?? 200,
          type: raw ? 'text/plain; charset=utf-8' : 'application/json',
          body: raw ? (answer.body as string) : JSON.stringify(answer.body),
          headers: answer.headers,
        });
      },
      (err: unknown) => sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) }),
    );
    return true;
  }

  private serve({ route, url, res, fault }: FixtureRequest): void {
    if (fault?.type === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (fault?.type === 'status') {
      const headers: Record<string, string> = {};
      if (fault.retryAfter === 'http-date') {
        headers['retry-after'] = new Date(Date.now() + (fault.retryAfterSeconds ?? 1) * 1000).toUTCString();
      } else if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      const body =
        fault.status === 429 && route === 'coingecko'
          ? { status: { error_code: 429, error_message: "You've exceeded the Rate Limit." } }
          : { error: fault.status === 429 ? 'rate limit exceeded' : `fixture error ${fault.status}` };
      return send(res, { status: fault.status, type: 'application/json', body: JSON.stringify(body), headers });
    }
    const drift = this.faults.drift(route);
    const exact = this.faults.exactNumbers(route);
    const at = this.snapshotAt.toISOString();
    if (route === 'rss') {
      const name = url.pathname.split('/').pop() ?? 'feed';
      let xml = rssFeed({ feedName: name, coins: this.coins, at: this.snapshotAt });
      if (fault?.type === 'truncated') xml = xml.slice(0, Math.floor(xml.length / 2));
      if (fault?.type === 'empty') xml = '';
      return send(res, { status: 200, type: 'application/rss+xml; charset=utf-8', body: xml });
    }
    let items: Array<Record<string, unknown>>;
    if (route === 'coinpaprika') {
      if (url.pathname.endsWith('/global')) {
        return sendJson(res, 200, { market_cap_usd: 1 });
      }
      const listed = this.options.listings?.coinpaprika.map((c) => paprikaListingTicker(c, at));
      items = listed
        ? listed.map((item) => applyDrift(item, drift))
        : this.coins.map((c) => {
            const item = this.overrides.apply(route, c, paprikaTicker(c, at));
            return applyDrift(applyExactNumbers(item, c.symbol, exact), drift);
          });
    } else {
      if (url.pathname.endsWith('/ping')) {
        return sendJson(res, 200, { gecko_says: '(V3) To the Moon!' });
      }
      const chart = /\/coins\/([^/]+)\/market_chart\/range$/.exec(url.pathname);
      if (chart) return this.serveMarketChart(decodeURIComponent(chart[1]), url, res);
      if (url.searchParams.get('vs_currency') !== 'usd') {
        return sendJson(res, 400, { error: 'Missing parameter vs_currency' });
      }
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 100), 250);
      const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
      const listed = this.options.listings?.coingecko;
      const from = (fault?.type === 'repeat-page' && page > 1 ? page - 2 : page - 1) * perPage;
      items = listed
        ? listed.slice(from, from + perPage).map((c) => applyDrift(geckoListingMarket(c, at), drift))
        : this.coins.slice(from, from + perPage).map((c) => {
            const item = this.overrides.apply(route, c, geckoMarket(c, at));
            return applyDrift(applyExactNumbers(item, c.symbol, exact), drift);
          });
    }
    // Exact numbers need the lossless writer; the plain one stays for the bulk (benchmarks).
    let body = exact ? stringifyJson(items) : JSON.stringify(items);
    if (fault?.type === 'malformed') body = body.slice(0, Math.floor(body.length / 2));
    if (fault?.type === 'truncated') body = body.slice(0, body.length - 10);
    if (fault?.type === 'empty') body = '';
    send(res, { status: 200, type: 'application/json', body });
  }

  private serveMarketChart(geckoId: string, url: URL, res: ServerResponse): void {
    const coin = this.coins.find((c) => c.geckoId === geckoId);
    if (!coin) return sendJson(res, 404, { error: 'coin not found' });
    const from = Number(url.searchParams.get('from'));
    const to = Number(url.searchParams.get('to'));
    if (url.searchParams.get('vs_currency') !== 'usd' || !Number.isFinite(from) || !Number.isFinite(to) || from > to) {
      return sendJson(res, 400, { error: 'vs_currency=usd, from and to (unix seconds, from <= to) are required' });
    }
    sendJson(res, 200, geckoMarketChartRange(coin, from, to));
  }

  /** POST /__faults {route, faults?, drift?, exactNumbers?}; DELETE /__faults; GET /__requests; POST /__advance. */
  private async control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/__requests') {
      return sendJson(
        res,
        200,
        this.requests.filter((r) => r.route !== 'control').map(({ route, path, at }) => ({ route, path, at })),
      );
    }
    if (url.pathname === '/__faults' && req.method === 'DELETE') {
      this.faults.clear();
      return send(res, { status: 204, type: 'text/plain', body: '' });
    }
    if (url.pathname === '/__advance' && req.method === 'POST') {
      this.advance();
      return sendJson(res, 200, { snapshotAt: this.snapshotAt.toISOString() });
    }
    if (url.pathname === '/__faults' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          route: RouteName;
          faults?: Fault[];
          drift?: Drift | null;
          exactNumbers?: ExactNumbers | null;
        };
        if (!['coinpaprika', 'coingecko', 'rss'].includes(body.route)) {
          throw new Error('route must be coinpaprika, coingecko or rss');
        }
        if (body.faults) this.faults.set(body.route, body.faults);
        if (body.drift !== undefined) this.faults.setDrift(body.route, body.drift ?? undefined);
        if (body.exactNumbers !== undefined) this.faults.setExactNumbers(body.route, body.exactNumbers ?? undefined);
        return sendJson(res, 200, { ok: true });
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
    }
    sendJson(res, 404, { error: 'unknown control endpoint' });
  }
}

function routeOf(path: string): RecordedRequest['route'] {
  if (path.startsWith('/__')) return 'control';
  if (path.startsWith('/coinpaprika/')) return 'coinpaprika';
  if (path.startsWith('/coingecko/')) return 'coingecko';
  if (path.startsWith('/rss/')) return 'rss';
  return 'unknown';
}

function send(res: ServerResponse, { status, type, body, headers = {} }: FixtureAnswer): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, { status, type: 'application/json', body: JSON.stringify(value) });
}
