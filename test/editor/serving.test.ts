import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createEditorRoutes } from '../../server/routes/editor.js';
import type { AppEnv } from '../../server/services.js';

const app = (root: string) => {
  const a = new Hono<AppEnv>().get('/v1/things', (c) => c.json({ ok: true })).route('/', createEditorRoutes(root));
  a.notFound((c) => c.json({ error: { code: 'not_found' } }, 404));
  return a;
};

describe('serving the editor build', () => {
  const dist = mkdtempSync(join(tmpdir(), 'rapport-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'app-123.js'), 'console.log(1)');

  it('serves files, with long caching for hashed assets', async () => {
    const response = await app(dist).request('/assets/app-123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('falls back to index.html for app paths, never for API paths', async () => {
    for (const path of ['/', '/journeys/win-back']) {
      const response = await app(dist).request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('id="root"');
    }
    expect((await app(dist).request('/v1/things')).status).toBe(200);
    const missing = await app(dist).request('/v1/nothing');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found' } });
    expect((await app(dist).request('/assets/gone.js')).status).toBe(404);
    expect((await app(dist).request('/%2e%2e/%2e%2e/etc/passwd')).status).not.toBe(500);
  });

  it('explains how to build the editor when the build is missing', async () => {
    const response = await app(join(dist, 'nope')).request('/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:editor');
  });
});
