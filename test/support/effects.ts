import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { customers, effects } from '../../drizzle/schema.js';
import type { Channel, JsonValue } from '../../workflows/index.js';
import type { Harness } from './harness.js';

/** Writes an outbox row the way the worker does: pending, no attempts, due now. */
export const insertEffect = async (
  h: Harness,
  channel: Channel | string,
  payload: Record<string, JsonValue>,
  overrides: Partial<typeof effects.$inferInsert> = {},
) => {
  const runId = `run_${randomUUID().slice(0, 8)}`;
  const [row] = await h.services.db
    .insert(effects)
    .values({
      workspaceId: h.workspaceId,
      customerId: 'c_ada',
      runId,
      stepSeq: 1,
      actionIndex: 0,
      nodeId: 'n_action',
      idempotencyKey: `${runId}:1:0`,
      channel,
      payload,
      cost: null,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: h.clock.now(),
      createdAt: h.clock.now(),
      ...overrides,
    })
    .returning();
  if (!row) throw new Error('effect not inserted');
  return row;
};

export const effectById = async (h: Harness, id: number) => {
  const [row] = await h.services.db.select().from(effects).where(eq(effects.id, id));
  if (!row) throw new Error(`effect ${id} not found`);
  return row;
};

/** Makes an effect due again as if it had never been sent (to prove sinks deduplicate). */
export const resetEffect = (h: Harness, id: number) =>
  h.services.db.update(effects).set({ status: 'pending', nextAttemptAt: h.clock.now(), sentAt: null }).where(eq(effects.id, id));

export const insertCustomer = (h: Harness, id: string, traits: Record<string, JsonValue>, consent: Record<string, boolean> = {}) =>
  h.services.db.insert(customers).values({ workspaceId: h.workspaceId, id, traits, consent, createdAt: h.clock.now(), updatedAt: h.clock.now() });

export interface Hit {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/**
 * What a harness must allow for outbound calls to reach `startReceiver` (it listens on 127.0.0.1,
 * which the SSRF guard refuses otherwise): `startHarness({ RAPPORT_OUTBOUND_ALLOW: receiverAllow })`.
 */
export const receiverAllow = '127.0.0.1';

/** A local HTTP endpoint on 127.0.0.1 that records every request and answers what `reply` says. */
export const startReceiver = async () => {
  const hits: Hit[] = [];
  const state = { reply: (_hit: Hit, _index: number): Reply => ({ status: 200, body: 'ok' }) };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const hit: Hit = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      hits.push(hit);
      const reply = state.reply(hit, hits.length - 1);
      setTimeout(() => {
        response.writeHead(reply.status, reply.headers ?? {});
        response.end(reply.body ?? '');
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    /** Sets how the next requests are answered (by request and its index since the last reset). */
    answer(reply: (hit: Hit, index: number) => Reply): void {
      state.reply = reply;
    },
    reset(): void {
      hits.length = 0;
      state.reply = () => ({ status: 200, body: 'ok' });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
