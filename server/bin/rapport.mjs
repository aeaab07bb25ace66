#!/usr/bin/env node
// `npx rapport …`: runs the TypeScript entry point through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
