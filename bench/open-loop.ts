import { Agent, request } from 'node:http';

/**
 * Open-loop load: requests are scheduled at a constant rate whether or not earlier ones have
 * answered, and each latency is measured from its scheduled start (so a slow response cannot hide
 * the queueing it causes: no coordinated omission). Used for "p99 at a given load".
 */
export async function openLoop(
  url: string,
  ratePerSecond: number,
  seconds: number,
  connections: number,
  options: { headers?: Record<string, string> } = {},
): Promise<{ sent: number; p99: number; p50: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (scheduledAt: number) => {
    const done = new Promise<void>((resolve) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          agent,
          headers: options.headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors += 1;
            latencies.push(performance.now() - scheduledAt);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  const started = performance.now();
  const total = Math.round(ratePerSecond * seconds);
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    // Everything whose scheduled time has come goes out now (timers are coarse; the schedule is not).
    while (sent < total && started + (sent * 1000) / ratePerSecond <= now) {
      send(started + (sent++ * 1000) / ratePerSecond);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  return { sent, p99: at(0.99), p50: at(0.5), errors };
}
