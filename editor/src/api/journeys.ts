import type { JourneyGraph, JourneyGraphInput } from '../../../workflows/index.js';
import { api, call, jsonBody } from './client.js';

/** The calls the editor makes, typed from the server's routes. */

export const listJourneys = () => call(api.v1.journeys.$get());
export type JourneySummary = Awaited<ReturnType<typeof listJourneys>>['journeys'][number];

// JSON over the wire flattens the recursive rule type; the graphs are what the server validated, so they are typed back here.
export const getJourney = async (id: string) => {
  const detail = await call(api.v1.journeys[':id'].$get({ param: { id } }));
  return { ...detail, draft: detail.draft as unknown as JourneyGraphInput };
};
export type JourneyDetail = Awaited<ReturnType<typeof getJourney>>;


export const createJourney = (draft: Omit<JourneyGraphInput, 'id'> & { id?: string }) => call(api.v1.journeys.$post({}, jsonBody(draft)));

export const saveDraft = (graph: JourneyGraph) => call(api.v1.journeys[':id'].$put({ param: { id: graph.id } }, jsonBody(graph)));

export const publishJourney = (id: string, note: string, mapping?: Record<string, string>) =>
  call(api.v1.journeys[':id'].publish.$post({ param: { id } }, jsonBody(mapping ? { note, migration: { mapping } } : { note })));

export const archiveJourney = (id: string) => call(api.v1.journeys[':id'].archive.$post({ param: { id } }));
export const pauseJourney = (id: string) => call(api.v1.journeys[':id'].pause.$post({ param: { id } }));
export const resumeJourney = (id: string) => call(api.v1.journeys[':id'].resume.$post({ param: { id } }));

export const listVersions = (id: string) => call(api.v1.journeys[':id'].versions.$get({ param: { id } }));
export type VersionSummary = Awaited<ReturnType<typeof listVersions>>['versions'][number];

export const getVersion = async (id: string, version: number) => {
  const stored = await call(api.v1.journeys[':id'].versions[':version'].$get({ param: { id, version: String(version) } }));
  return { version: stored.version, note: stored.note, publishedAt: stored.publishedAt, graph: stored.graph as unknown as JourneyGraphInput };
};

export const exportJourney = async (id: string) => {
  const document = await call(api.v1.journeys[':id'].export.$get({ param: { id } }));
  return { format: document.format, journey: document.journey as unknown as JourneyGraphInput };
};

export const importJourney = (document: unknown, options: { replace?: boolean } = {}) =>
  // The import route reads any JSON (a document or a bare graph) and its query itself, so `hc` types neither.
  call(api.v1.journeys.import.$post((options.replace ? { query: { replace: 'true' } } : {}) as Record<string, never>, jsonBody(document)));

export const journeyStats = (id: string) => call(api.v1.journeys[':id'].stats.$get({ param: { id } }));
export type JourneyStats = Awaited<ReturnType<typeof journeyStats>>;

export const getCustomer = (id: string) => call(api.v1.customers[':id'].$get({ param: { id } }));
