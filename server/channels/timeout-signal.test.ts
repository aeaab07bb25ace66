import { describe, expect, it } from 'vitest';
import { timeoutSignal } from './timeout-signal.js';

const gc = (globalThis as { gc?: () => void }).gc;

describe('timeoutSignal', () => {
  it('aborts with a TimeoutError after its time, also inside AbortSignal.any', async () => {
    const deadline = timeoutSignal(30);
    const combined = AbortSignal.any([new AbortController().signal, deadline.signal]);
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(combined.aborted).toBe(true);
    expect((combined.reason as DOMException).name).toBe('TimeoutError');
  });

  it('does not abort once cleared', async () => {
    const deadline = timeoutSignal(20);
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(deadline.signal.aborted).toBe(false);
  });
});

describe('timeoutSignal after a garbage collection', () => {
  it('still fires inside AbortSignal.any when nothing else holds it (the case AbortSignal.timeout() loses on Node 20)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const module = fileURLToPath(new URL('./timeout-signal.ts', import.meta.url));
    const script = `
      const { timeoutSignal } = await import(${JSON.stringify(module)});
      const combined = AbortSignal.any([new AbortController().signal, timeoutSignal(50).signal]);
      setTimeout(() => globalThis.gc(), 10);
      setTimeout(() => console.log(combined.aborted ? 'aborted' : 'never aborted'), 300);`;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('aborted');
  });
});
