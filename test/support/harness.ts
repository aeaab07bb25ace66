import { expect } from 'vitest';
import { testConfig, type Config } from '../../server/config.js';
import { processBatch } from '../../server/runtime/worker.js';
import { emitDueDateEvents } from '../../server/runtime/date-schedules.js';
import { processDueReevaluations } from '../../server/runtime/reevaluations.js';
import { replayEverything } from '../../server/runtime/replay.js';
import { createApp } from '../../server/app.js';
import { bootstrapWorkspace } from '../../server/bootstrap.js';
import { createServices } from '../../server/services-factory.js';
import { createTestClock } from './clock.js';
import { createTestDatabase } from './database.js';

export const adminKey = 'rk_admin_test_0123456789abcdef';
export const writeKey = 'rk_write_test_0123456789abcdef';

/** A real app on a real database (PGlite in memory, or a fresh PostgreSQL database), with a movable clock. */
export interface HarnessOptions {
  /** Replay every run when the harness closes and fail on any divergence (default true). */
  replayOnClose?: boolean;
}

export const startHarness = async (overrides: Partial<Config> = {}, options: HarnessOptions = {}) => {
  const database = await createTestDatabase();
  const clock = createTestClock();
  const config = testConfig({ RAPPORT_DATA_DIR: 'memory://', DATABASE_URL: database.url, RAPPORT_ADMIN_KEY: adminKey, RAPPORT_WRITE_KEY: writeKey, ...overrides });
  const handle = await createServices(config, { now: clock.now });
  const { workspaceId } = await bootstrapWorkspace(handle.services, { admin: adminKey, write: writeKey });
  const app = createApp(handle.services);

  const request = (path: string, init: RequestInit & { json?: unknown } = {}, auth?: string) => {
    const headers = new Headers(init.headers);
    if (auth && !headers.has('authorization')) headers.set('authorization', auth);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return app.request(path, { ...init, headers, body });
  };
  return {
    app,
    services: handle.services,
    database: handle.database,
    workspaceId,
    clock,
    /** A management call with the admin key. */
    admin: (path: string, init: RequestInit & { json?: unknown } = {}) => request(path, init, `Bearer ${adminKey}`),
    /** An ingest call authenticated like a Segment library (write key as Basic user name). */
    ingest: (path: string, json: unknown) =>
      request(path, { method: 'POST', json }, `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`),
    request,
    /** Runs the worker until no customer has pending work (fails the test if it never settles). */
    drain: async (): Promise<number> => {
      let steps = 0;
      for (let i = 0; i < 200; i += 1) {
        await emitDueDateEvents(handle.services);
        await processDueReevaluations(handle.services);
        const report = await processBatch(handle.services);
        if (report.customers === 0) return steps;
        steps += report.steps;
      }
      throw new Error('the worker did not become idle after 200 batches');
    },
    close: async () => {
      if (options.replayOnClose ?? true) {
        // Every run any runtime test produced must replay exactly through its pinned version.
        const { diverged } = await replayEverything(handle.services);
        if (diverged.length > 0) {
          await handle.database.close();
          await database.drop();
          throw new Error(`replay diverged for ${diverged.length} run(s): ${diverged.map((d) => `${d.runId} at step ${d.divergence?.seq}: ${d.divergence?.message}`).join('; ')}`);
        }
      }
      await handle.database.close();
      await database.drop();
    },
  };
};
export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Reads a JSON response and checks its status (the body is in the failure message). */
export const json = async <T>(response: Response, status: number): Promise<T> => {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};
