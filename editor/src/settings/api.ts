import type { ClusterDefinition } from '../../../workflows/clusters.js';
import type { ContactStrategy, ContactStrategyInput } from '../../../workflows/contact-policy.js';
import type { SegmentDefinition, SegmentRequest, SegmentUpdate } from '../../../workflows/segments.js';
import { api, call, jsonBody } from '../api/client.js';

/**
 * The settings screens' calls, typed from the server's routes (`hc<AppType>`). Routes that parse
 * their query themselves are not visible to `hc`'s types, so their query is passed through as is.
 */

type Query = Record<string, string>;
const query = (values: Record<string, string | number | undefined | null>): Query =>
  Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v === undefined || v === null || v === '' ? [] : [[k, String(v)]])));
/** `hc` sends `query` for any route; only its types do not know the ones a route parses itself. */
const withQuery = <T extends object>(args: T, values: Query): T => ({ ...args, query: values }) as T;

// ── Lifecycle stages ──────────────────────────────────────────────────────────────────────────────
export const getStageModel = () => call(api.v1.settings.stages.$get());
export type StageModel = Awaited<ReturnType<typeof getStageModel>>;
export type Stage = StageModel['stages'][number];
export const saveStageModel = (stages: readonly Stage[], note: string | null) => call(api.v1.settings.stages.$put({}, jsonBody(note ? { stages, note } : { stages })));
/** Saved versions only (the default model is never one), so each has its number and time. */
export const stageModelVersions = async () => {
  const { versions } = await call(api.v1.settings.stages.versions.$get());
  return versions.flatMap((v) => (v.version === null ? [] : [{ ...v, version: v.version, createdAt: v.createdAt ?? 0 }]));
};
export const getStageOverview = (from: number, to: number) => call(api.v1.stages.overview.$get(withQuery({}, query({ from, to }))));
export type StageOverview = Awaited<ReturnType<typeof getStageOverview>>;

// ── Value clusters ────────────────────────────────────────────────────────────────────────────────
// JSON flattens the recursive measure type; the definitions are what the server validated, so they are typed back here.
export const getClusterSettings = async () => {
  const stored = await call(api.v1.settings.clusters.$get());
  return { ...stored, definition: stored.definition as ClusterDefinition | null };
};
export type ClusterSettings = Awaited<ReturnType<typeof getClusterSettings>>;
export type ClusterCounts = ClusterSettings['counts'];
export const previewClusters = (definition: ClusterDefinition) => call(api.v1.settings.clusters.preview.$post({}, jsonBody(definition)));
export const saveClusters = (definition: ClusterDefinition, note: string | null) => call(api.v1.settings.clusters.$put({}, jsonBody(note ? { ...definition, note } : definition)));
export const clusterVersions = async () => {
  const { versions } = await call(api.v1.settings.clusters.versions.$get());
  return versions.map((v) => ({ ...v, definition: v.definition as ClusterDefinition }));
};
export type ClusterVersion = Awaited<ReturnType<typeof clusterVersions>>[number];

// ── Segments ──────────────────────────────────────────────────────────────────────────────────────
// JSON flattens the recursive rule type; the definitions are what the server validated, so they are typed back here.
const segmentOf = <T extends { definition: unknown }>(segment: T) => ({ ...segment, definition: segment.definition as SegmentDefinition });
export const listSegments = async () => (await call(api.v1.segments.$get())).segments.map(segmentOf);
export type Segment = Awaited<ReturnType<typeof listSegments>>[number];
export const getSegment = async (id: string) => segmentOf(await call(api.v1.segments[':id'].$get({ param: { id } })));
export const createSegment = async (request: SegmentRequest) => segmentOf(await call(api.v1.segments.$post({}, jsonBody(request))));
export const updateSegment = async (id: string, update: SegmentUpdate) => segmentOf(await call(api.v1.segments[':id'].$patch({ param: { id } }, jsonBody(update))));
export const deleteSegment = (id: string) => call(api.v1.segments[':id'].$delete({ param: { id } }));
export const previewSegment = (definition: SegmentDefinition) => call(api.v1.segments.preview.$post({}, jsonBody({ definition })));
export type SegmentPreview = Awaited<ReturnType<typeof previewSegment>>;
export const listSegmentMembers = (id: string, page: { cursor?: string | null; limit: number }) => call(api.v1.segments[':id'].members.$get(withQuery({ param: { id } }, query(page))));
export type SegmentMember = Awaited<ReturnType<typeof listSegmentMembers>>['members'][number];

// ── Contact strategy ──────────────────────────────────────────────────────────────────────────────
const strategyRoute = api.v1.settings['contact-strategy'];
/**
 * The saved versions, newest first: the first is in force; none means nothing is restricted. (Read
 * through the history rather than `GET …/contact-strategy`, which answers 404 while none is saved.)
 */
export const contactStrategyVersions = async () => {
  const { versions } = await call(strategyRoute.versions.$get());
  return versions.map((v) => ({ ...v, strategy: v.strategy as ContactStrategy }));
};
export type ContactStrategyVersion = Awaited<ReturnType<typeof contactStrategyVersions>>[number];
/** The dialogue script names of the strategy in force, with the rules (default, clusters) defining each; empty while none is saved. */
export const listDialogueScripts = () => call(strategyRoute.scripts.$get());
export const saveContactStrategy = (strategy: ContactStrategyInput, note: string | null) => call(strategyRoute.$put({}, jsonBody(note ? { strategy, note } : { strategy })));

// ── Webhook sources ───────────────────────────────────────────────────────────────────────────────
export const listSources = () => call(api.v1.sources.$get());
export type Source = Awaited<ReturnType<typeof listSources>>['sources'][number];
export type SourceMapping = Source['mapping'];
export interface NewSource {
  id?: string;
  name: string;
  scheme: 'standard' | 'hmac_sha256';
  hmac?: { header: string; encoding: 'hex' | 'base64'; prefix: string; idHeader: string | null };
  secret?: string;
  mapping: SourceMapping;
}
export const createSource = (source: NewSource) => call(api.v1.sources.$post({}, jsonBody(source)));
export const getSource = (id: string) => call(api.v1.sources[':id'].$get({ param: { id } }));
export const updateSource = (id: string, update: { name?: string; mapping?: SourceMapping }) => call(api.v1.sources[':id'].$patch({ param: { id } }, jsonBody(update)));
export const disableSource = (id: string) => call(api.v1.sources[':id'].$delete({ param: { id } }));
export const rotateSource = (id: string, graceHours: number) => call(api.v1.sources[':id'].rotate.$post({ param: { id } }, jsonBody({ graceHours })));
export const deleteSourceSecret = (id: string, index: number) => call(api.v1.sources[':id'].secrets[':index'].$delete({ param: { id, index: String(index) } }));
export const previewMapping = (id: string, payload: unknown, mapping: SourceMapping) => call(api.v1.sources[':id'].preview.$post({ param: { id } }, jsonBody({ payload, mapping })));
export type MappingPreview = Awaited<ReturnType<typeof previewMapping>>;
export const listDeliveries = (id: string, filter: { verdict?: string; cursor?: string | null; limit?: number }) =>
  call(api.v1.sources[':id'].deliveries.$get(withQuery({ param: { id } }, query(filter))));
export type Delivery = Awaited<ReturnType<typeof listDeliveries>>['deliveries'][number];

// ── API keys, audit log ───────────────────────────────────────────────────────────────────────────
export const listKeys = () => call(api.v1.keys.$get());
export type ApiKey = Awaited<ReturnType<typeof listKeys>>['keys'][number];
export type KeyScope = ApiKey['scope'];
export const createKey = (name: string, scope: KeyScope) => call(api.v1.keys.$post({}, jsonBody({ name, scope })));
export const revokeKey = (id: string) => call(api.v1.keys[':id'].$delete({ param: { id } }));

export const listAudit = (filter: { cursor?: string | null; limit: number; action?: string; targetType?: string; targetId?: string }) => call(api.v1.audit.$get(withQuery({}, query(filter))));
export type AuditEntry = Awaited<ReturnType<typeof listAudit>>['entries'][number];

// ── Customers ─────────────────────────────────────────────────────────────────────────────────────
export const getCustomerDetail = (id: string) => call(api.v1.customers[':id'].$get({ param: { id } }));
export type CustomerDetail = Awaited<ReturnType<typeof getCustomerDetail>>;
