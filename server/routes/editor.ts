import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from '../services.js';

/**
 * The visual editor: the Vite build in `editor/dist`, served at `/`. Paths that are not files fall
 * back to `index.html` (the editor routes in the browser); API paths are never answered here, so
 * an unknown API route still gets the JSON 404. Without a build, a page says how to make one.
 */
export const editorDist = fileURLToPath(new URL('../../editor/dist/', import.meta.url));

const apiPrefixes = ['/v1/', '/healthz', '/metrics', '/openapi.json'];
const isApiPath = (path: string): boolean => path === '/v1' || apiPrefixes.some((prefix) => path === prefix || path.startsWith(prefix));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const missingBuild = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rapport — editor not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>The editor has not been built</h1><p>The API is running, but <code>editor/dist</code> is missing.</p>
<p>Build the editor with <code>npm run build:editor</code> (or start with <code>npm start</code>, which builds it first), or run <code>npm run dev</code> for the development server with hot reload.</p></body></html>`;

const readIfFile = async (path: string): Promise<Buffer | null> => {
  try {
    return (await stat(path)).isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
};

export const createEditorRoutes = (root: string = editorDist) =>
  // Middleware (not a route) mounted last: it only runs when no API route answered, and it does not
  // show up as an API operation in the route table.
  new Hono<AppEnv>().use('*', async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || isApiPath(path)) return next();
    const decoded = (() => {
      try {
        return decodeURIComponent(path);
      } catch {
        return '/';
      }
    })();
    const file = normalize(join(root, decoded));
    const inside = file.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
    const asset = inside && decoded !== '/' ? await readIfFile(file) : null;
    if (asset) {
      const immutable = decoded.startsWith('/assets/');
      return c.body(new Uint8Array(asset), 200, {
        'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // A missing file with an extension (a stale asset link) is a 404, not the app.
    if (extname(decoded) !== '' && extname(decoded) !== '.html') return c.text('not found', 404);
    const index = await readIfFile(join(root, 'index.html'));
    if (!index) return c.html(missingBuild, 503);
    return c.body(new Uint8Array(index), 200, { 'Content-Type': contentTypes['.html'] as string, 'Cache-Control': 'no-cache' });
  });

export const editorRoutes = createEditorRoutes();
