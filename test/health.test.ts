import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';

describe('health and errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('GET /healthz answers ok from the database', async () => {
    const response = await h.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('unknown routes get a JSON 404 that points at the reference', async () => {
    const response = await h.request('/v1/nothing');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v1/nothing; see GET /openapi.json' } });
  });

  it('GET /metrics is Prometheus text with queue depths', async () => {
    const response = await h.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE rapport_queue_depth gauge');
    expect(text).toContain('rapport_queue_depth{queue="events_unprocessed"} 0');
    expect(text).toContain('rapport_queue_depth{queue="effects_pending"} 0');
  });
});
