// `npm start` runs this first: builds the editor (vite build) when editor/dist is missing or older
// than its sources (editor/src, editor/index.html, the Vite config, and the journey language in workflows/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'editor/dist/index.html');

const newest = (path) => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => (name === 'node_modules' || name === 'dist' ? max : Math.max(max, newest(join(path, name)))), 0);
};

const sources = ['editor/src', 'editor/index.html', 'editor/vite.config.ts', 'workflows'].map((p) => newest(join(root, p)));
if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources) && !process.argv.includes('--force')) {
  console.log('editor: build is up to date (editor/dist)');
} else {
  console.log('editor: building (vite build)…');
  const result = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'editor/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('editor: the build failed; the API still starts, and / explains how to build the editor');
  }
}
