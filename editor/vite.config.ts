import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The editor: root `editor/`, built to `editor/dist` (served by the API at `/`). In development
 * (`npm run dev`) the API runs on port 3000 and this server proxies the API paths to it.
 */
const api = process.env.RAPPORT_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    strictPort: false,
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: Object.fromEntries(['/v1', '/healthz', '/metrics', '/openapi.json', '/reference'].map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
