import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sink received. */
export interface Delivery {
  webhookId: string;
  path: string;
  body: string;
  status: number;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be repeated with its seed. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * The webhook receiver journeys call: records every delivery's `webhook-id` and answers 200, except
 * that the first delivery of a `failFirst` share of ids gets a 503 (forcing the dispatcher's retry).
 * Only first deliveries fail, so an effect waits for at most one backoff (≤ 5 s) and tests stay
 * bounded in time. `hold()` accepts the next delivery but delays the answer, so a test can kill the
 * sender after the receiver has processed a webhook and before the sender learns it.
 */
export const startSink = async (options: { failFirst?: number; random?: () => number } = {}) => {
  const failFirst = options.failFirst ?? 0;
  const holdMs = 3_000;
  const random = options.random ?? Math.random;
  const deliveries: Delivery[] = [];
  const seen = new Set<string>();
  let holding: ((delivery: Delivery) => void) | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const webhookId = String(request.headers['webhook-id'] ?? '');
      const first = !seen.has(webhookId);
      seen.add(webhookId);
      const status = first && random() < failFirst ? 503 : 200;
      const delivery: Delivery = { webhookId, path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8'), status };
      deliveries.push(delivery);
      const held = status === 200 ? holding : null;
      if (held) holding = null;
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(status === 200 ? 'ok' : 'try again');
      }, held ? holdMs : 0);
      held?.(delivery);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    /** Resolves with the next delivery answered 200, whose answer is held back for 3 s (null after `timeoutMs`). */
    hold(timeoutMs: number): Promise<Delivery | null> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          holding = null;
          resolve(null);
        }, timeoutMs);
        holding = (delivery) => {
          clearTimeout(timer);
          resolve(delivery);
        };
      });
    },
    /** Deliveries answered 200, by webhook-id. */
    accepted(): Map<string, Delivery[]> {
      const byId = new Map<string, Delivery[]>();
      for (const delivery of deliveries) {
        if (delivery.status !== 200) continue;
        byId.set(delivery.webhookId, [...(byId.get(delivery.webhookId) ?? []), delivery]);
      }
      return byId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
export type Sink = Awaited<ReturnType<typeof startSink>>;
