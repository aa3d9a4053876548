import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fixture route receives. */
export interface FixtureRequest {
  method: string;
  /** The path without the query string (`/0/public/Ticker`). */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** What a fixture route answers: a JSON value (serialised), or a string/Buffer body as is. */
export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body: unknown;
}

/** A handler for one `METHOD /path` of a fixture upstream. */
export type FixtureRoute = (request: FixtureRequest) => FixtureResponse | Promise<FixtureResponse>;

/** Routes by `"METHOD /path"` (`"GET /0/public/Ticker"`), as a plugin exports them for its upstream. */
export type FixtureRoutes = Readonly<Record<string, FixtureRoute>>;

/** A started loopback fixture server. */
export interface FixtureServer {
  /** `http://127.0.0.1:<port>`: point the plugin's base URL variable at it. */
  readonly url: string;
  /** Every request received, in order (tests assert what the plugin asked for). */
  readonly requests: FixtureRequest[];
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves a plugin's fixture routes on 127.0.0.1 (a free port): a real HTTP server, so the plugin is
 * tested through its real HTTP client path. Unknown routes answer 404 with a JSON body naming them.
 *
 * @example
 * ```ts
 * const server = await startFixtureServer({ 'GET /v1/tickers': () => ({ body: [{ id: 'btc' }] }) });
 * ```
 */
export async function startFixtureServer(routes: FixtureRoutes): Promise<FixtureServer> {
  const requests: FixtureRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: FixtureRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    };
    requests.push(request);
    const route = routes[`${request.method} ${request.path}`];
    Promise.resolve(
      route
        ? route(request)
        : { status: 404, body: { error: `no fixture route for ${request.method} ${request.path}` } },
    )
      .then((answer) => send(res, answer))
      .catch((err: unknown) =>
        send(res, { status: 500, body: { error: err instanceof Error ? err.message : String(err) } }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function send(res: http.ServerResponse, answer: FixtureResponse): void {
  const raw = typeof answer.body === 'string' || Buffer.isBuffer(answer.body);
  const body = raw ? (answer.body as string | Buffer) : JSON.stringify(answer.body);
  res.writeHead(answer.status ?? 200, {
    'content-type': raw ? 'text/plain; charset=utf-8' : 'application/json',
    ...answer.headers,
  });
  res.end(body);
}
