import type { JourneyReport as ServerJourneyReport } from '../../../server/runtime/analytics.js';
import { api, authHeaders, call, jsonBody, ApiFailure } from '../api/client.js';

/** The analyst screens' calls (runs, replay, report, exports, backtests), typed from the server's routes. */

export const listRuns = (query: { journeyId?: string; customerId?: string; status?: 'active' | 'done'; limit?: number; cursor?: string }) =>
  call(api.v1.runs.$get({ query: Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])) }));
export type RunSummary = Awaited<ReturnType<typeof listRuns>>['runs'][number];

export const getRun = (id: string) => call(api.v1.runs[':id'].$get({ param: { id } }));
export type RunDetail = Awaited<ReturnType<typeof getRun>>;

/** One surgery on an active run (the route reads its body itself, so `hc` does not type it). */
export type SurgeryRequest =
  | { action: 'cancel'; reason: string }
  | { action: 'move'; nodeId: string; reason: string }
  | { action: 'fire_timer' | 'skip_timer'; timerId: string; reason: string }
  | { action: 'reschedule_timer'; timerId: string; dueAt: number; reason: string };
export const runSurgery = (id: string, request: SurgeryRequest) => call(api.v1.runs[':id'].surgery.$post({ param: { id } }, jsonBody(request)));

/** Replays every run of a journey (the regression check after an upgrade). */
export const replayJourney = (id: string) => call(api.v1.journeys[':id'].replay.$post({ param: { id } }));
export type BulkReplayOutcome = Awaited<ReturnType<typeof replayJourney>>;

export const replayRun = (id: string) => call(api.v1.runs[':id'].replay.$post({ param: { id } }));
export type ReplayOutcome = Awaited<ReturnType<typeof replayRun>>;

/** Report query string; the route parses it itself, so `hc` does not know it (it sends `query` all the same). */
const reportQuery = (query: { from: number; to: number; version?: number }): Record<string, string> => ({
  from: String(query.from),
  to: String(query.to),
  ...(query.version ? { version: String(query.version) } : {}),
});

// The route answers JSON or CSV (`?format`), so `hc` cannot type the body; it is the server's `JourneyReport`.
export const getReport = (id: string, query: { from: number; to: number; version?: number }): Promise<ServerJourneyReport> =>
  call(api.v1.journeys[':id'].report.$get({ param: { id }, query: reportQuery(query) } as { param: { id: string } })) as Promise<ServerJourneyReport>;
export type JourneyReport = ServerJourneyReport;

/** Same-origin URL of a report or export download. */
export const exportUrl = (id: string, what: 'report' | 'export/runs' | 'export/steps', format: 'csv' | 'ndjson', query: { from: number; to: number; version?: number }): string =>
  `/v1/journeys/${encodeURIComponent(id)}/${what}?${new URLSearchParams({ ...reportQuery(query), format }).toString()}`;

export const startBacktest = (id: string, body: { from: number; to: number; version: 'draft' | number; compare: boolean }) =>
  call(api.v1.journeys[':id'].backtests.$post({ param: { id } }, jsonBody(body)));
export const getBacktest = (id: string) => call(api.v1.backtests[':id'].$get({ param: { id } }));
export const cancelBacktest = (id: string) => call(api.v1.backtests[':id'].$delete({ param: { id } }));
export type BacktestView = Awaited<ReturnType<typeof getBacktest>>;

/**
 * Downloads a CSV/NDJSON file the API serves (the key goes in a header, so a plain link cannot
 * do it): fetches it with the key and saves the Blob under the server's file name.
 */
export const downloadFile = async (path: string, fallbackName: string): Promise<void> => {
  let response: Response;
  try {
    response = await fetch(path, { headers: authHeaders() });
  } catch (error) {
    throw new ApiFailure(0, 'network', `the server did not answer (${(error as Error).message}); is Rapport running?`);
  }
  if (!response.ok) {
    let message = `the server answered ${response.status}`;
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      message = body.error?.message ?? message;
    } catch {
      // not JSON
    }
    throw new ApiFailure(response.status, 'http_error', message);
  }
  const blob = await response.blob();
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};
