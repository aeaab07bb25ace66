import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../server/config.js';
import { readmePath, withNodeReference } from '../workflows/docs.js';
import { findingCodes, nodeKinds } from '../workflows/index.js';

const readme = readFileSync(readmePath, 'utf8');

describe('README is the front door', () => {
  it('has the node-kind reference generated from the code (run `npm run docs` after changing a kind)', () => {
    expect(readme).toBe(withNodeReference(readme));
    for (const kind of nodeKinds) expect(readme).toContain(`\`${kind}\``);
  });

  it('documents every validator finding code', () => {
    for (const code of findingCodes) expect(readme).toContain(`| \`${code}\` |`);
  });

  it('documents every setting', () => {
    for (const name of Object.keys(configSchema.shape)) expect(readme).toContain(`\`${name}\``);
  });

  it('names the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
