/**
 * A signal that aborts with a `TimeoutError` after `ms`, held by its own timer until `clear()`.
 *
 * Not `AbortSignal.timeout()`: `AbortSignal.any()` holds its sources weakly, and Node 20 lets an
 * otherwise unreferenced `AbortSignal.timeout()` signal be garbage-collected before it fires, so a
 * combined signal could silently never time out (a receiver that never answered kept a delivery
 * waiting for as long as it liked).
 */
export const timeoutSignal = (ms: number): { signal: AbortSignal; clear(): void } => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
};
