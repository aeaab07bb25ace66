import { compile, type JourneyGraphInput } from '../../workflows/index.js';
import { journeys, journeyVersions } from '../../drizzle/schema.js';
import { eventRow, type EventPayload, type EventRowType } from '../../server/runtime/event-rows.js';
import { events, customers } from '../../drizzle/schema.js';
import type { Harness } from './harness.js';

/** Publishes a graph as version `version` straight into the database (for runtime tests that do not exercise the API). */
export const publishDirect = async (h: Harness, graph: JourneyGraphInput, version = 1): Promise<void> => {
  const result = compile(graph);
  if (!result.ok) throw new Error(`test journey does not compile: ${JSON.stringify(result.errors)}`);
  const now = h.clock.now();
  await h.services.db
    .insert(journeys)
    .values({ workspaceId: h.workspaceId, id: graph.id, name: graph.name, status: 'live', draft: graph, liveVersion: version, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [journeys.workspaceId, journeys.id], set: { liveVersion: version, draft: graph, status: 'live' } });
  await h.services.db.insert(journeyVersions).values({
    workspaceId: h.workspaceId,
    journeyId: graph.id,
    version,
    graph,
    compiled: result.journey,
    compilerVersion: result.journey.compilerVersion,
    note: 'test',
    publishedAt: now,
  });
  h.services.versions.invalidate(h.workspaceId);
};

/** A journey that calls a webhook when a customer signs up: "Signed Up" → send_webhook (POST `url`, `body`) → exit. */
export const signupWebhookJourney = (id: string, name: string, url: string, body: string): JourneyGraphInput => ({
  id,
  name,
  nodes: [
    { id: 'signup', kind: 'trigger_event', params: { event: 'Signed Up' } },
    { id: 'hook', kind: 'send_webhook', params: { method: 'POST', url, headers: {}, body } },
    { id: 'done', kind: 'exit', params: {} },
  ],
  edges: [
    { id: 'e1', source: 'signup', outcome: 'next', target: 'hook' },
    { id: 'e2', source: 'hook', outcome: 'next', target: 'done' },
  ],
});

/** Creates and publishes `graph` through the API, tracks "Signed Up" for `userId` and lets the worker run. */
export const publishAndSignUp = async (h: Harness, graph: JourneyGraphInput, userId: string): Promise<void> => {
  const ok = async (response: Response, status: number) => {
    if (response.status !== status) throw new Error(`${response.status}: ${await response.text()}`);
  };
  await ok(await h.admin('/v1/journeys', { method: 'POST', json: graph }), 201);
  await ok(await h.admin(`/v1/journeys/${graph.id}/publish`, { method: 'POST', json: { note: 'v1' } }), 201);
  await ok(await h.ingest('/v1/track', { userId, event: 'Signed Up' }), 200);
  await h.drain();
};

let counter = 0;

/** Stores an event row as ingest would (customer row upserted), without going through HTTP. */
export const storeEvent = async <T extends EventRowType>(
  h: Harness,
  customerId: string,
  type: T,
  payload: EventPayload<T>,
  options: { name?: string; messageId?: string; at?: number } = {},
): Promise<void> => {
  const now = h.clock.now();
  counter += 1;
  await h.services.db.insert(customers).values({ workspaceId: h.workspaceId, id: customerId, createdAt: now, updatedAt: now }).onConflictDoNothing();
  await h.services.db
    .insert(events)
    .values(eventRow(type, { workspaceId: h.workspaceId, customerId, messageId: options.messageId ?? `test-${counter}-${now}`, name: options.name ?? null, at: options.at ?? now, receivedAt: now }, payload))
    .onConflictDoNothing();
};
